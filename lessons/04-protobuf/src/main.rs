//! `cargo run -p l04-protobuf -- <command>`: encode an address book and look at the bytes.

use std::io::{Read, Write};

use anyhow::Context;
use clap::{Parser, Subcommand};
use l04_protobuf::{address_book, annotate, evolution, inspect};
use prost::Message;
use proto::tutorial::AddressBook;

#[derive(Parser)]
#[command(about = "Lesson 04: Protocol Buffers")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Encode the sample address book, show every byte, compare with JSON, decode it back.
    Addressbook,
    /// Write the sample address book's bytes to FILE (`-` for standard output).
    Encode { file: String },
    /// Read an address book from FILE (`-` for standard input) and list its people.
    Decode {
        #[arg(default_value = "-")]
        file: String,
    },
    /// Print any protobuf message without its schema, like `protoc --decode_raw`.
    Inspect {
        #[arg(default_value = "-")]
        file: String,
    },
    /// Let two versions of a schema read each other's messages.
    Evolution,
}

fn main() -> std::process::ExitCode {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    match run(Cli::parse().command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The error and its causes on one line (see `shared::program`).
            eprintln!("error: {}", shared::program::one_line(&error));
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Addressbook => addressbook(),
        Command::Encode { file } => encode(&file),
        Command::Decode { file } => decode(&file),
        Command::Inspect { file } => inspect(&file),
        Command::Evolution => {
            print!("{}", evolution::report()?);
            Ok(())
        }
    }
}

// ANCHOR: addressbook
fn addressbook() -> anyhow::Result<()> {
    let book = address_book::sample();
    print!("{}", address_book::listing(&book));

    // Encoding needs no error handling: any message can be encoded.
    let bytes = book.encode_to_vec();
    println!(
        "\nEncoded: {} bytes. Every byte, read without the schema:\n",
        bytes.len()
    );
    let mut dump = String::new();
    annotate::annotate(&bytes, &mut dump)?;
    print!("{dump}");

    let json = address_book::BookJson::from(&book);
    let compact = serde_json::to_vec(&json)?.len();
    let pretty = serde_json::to_vec_pretty(&json)?.len();
    println!("\nThe same address book, three ways:");
    println!("  protobuf        {:>4} bytes", bytes.len());
    let times = |json: usize| json as f64 / bytes.len() as f64;
    println!(
        "  JSON, compact   {compact:>4} bytes  ({:.1}× protobuf)",
        times(compact)
    );
    println!(
        "  JSON, pretty    {pretty:>4} bytes  ({:.1}× protobuf)",
        times(pretty)
    );

    // Decoding can fail: the bytes might not be an address book at all.
    let decoded = AddressBook::decode(bytes.as_slice())?;
    println!("\nDecoded back, equal to the original: {}", decoded == book);
    Ok(())
}
// ANCHOR_END: addressbook

fn encode(file: &str) -> anyhow::Result<()> {
    let bytes = address_book::sample().encode_to_vec();
    if file == "-" {
        shared::output::stdout().write_all(&bytes)?;
    } else {
        std::fs::write(file, &bytes).with_context(|| format!("cannot write {file}"))?;
        eprintln!("wrote {} bytes to {file}", bytes.len());
    }
    Ok(())
}

fn decode(file: &str) -> anyhow::Result<()> {
    let bytes = read_input(file)?;
    let book = AddressBook::decode(bytes.as_slice())
        .with_context(|| format!("{} is not an address book", name(file)))?;
    print!("{}", address_book::listing(&book));
    Ok(())
}

// ANCHOR: inspect
fn inspect(file: &str) -> anyhow::Result<()> {
    let bytes = read_input(file)?;
    let mut tree = String::new();
    let result = inspect::decode_raw(&bytes, &mut tree);
    // Print what could be read even when the rest is broken, then say what broke.
    print!("{tree}");
    result.with_context(|| format!("{} is not a protobuf message", name(file)))
}
// ANCHOR_END: inspect

/// What to call `file` in a message.
fn name(file: &str) -> &str {
    if file == "-" { "standard input" } else { file }
}

/// The bytes of `file`, or of standard input for `-`.
fn read_input(file: &str) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("cannot read {file}"))?;
    }
    Ok(bytes)
}
