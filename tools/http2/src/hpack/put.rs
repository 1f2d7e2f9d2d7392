//! Writing HPACK: the representations a sender with no table of its own needs (section 6).

/// Appends an integer with an N-bit prefix; `flags` are the bits above the prefix.
fn put_integer(out: &mut Vec<u8>, value: usize, prefix_bits: u32, flags: u8) {
    let mask = (1usize << prefix_bits) - 1;
    if value < mask {
        out.push(flags | value as u8);
        return;
    }
    out.push(flags | mask as u8);
    let mut rest = value - mask;
    while rest >= 0x80 {
        out.push(0x80 | (rest & 0x7f) as u8);
        rest >>= 7;
    }
    out.push(rest as u8);
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    put_integer(out, bytes.len(), 7, 0);
    out.extend_from_slice(bytes);
}

/// Appends an indexed header: entry `index` of the static or dynamic table.
pub fn put_indexed(out: &mut Vec<u8>, index: usize) {
    put_integer(out, index, 7, 0x80);
}

/// Appends `name: value` (name from static entry `name_index`), not added to any table.
pub fn put_with_name_index(out: &mut Vec<u8>, name_index: usize, value: &[u8]) {
    put_integer(out, name_index, 4, 0x00);
    put_string(out, value);
}

/// Appends `name: value`, both written out, not added to any table.
pub fn put_literal(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.push(0x00);
    put_string(out, name);
    put_string(out, value);
}

/// Appends `name: value`, both written out, and asks the receiver to add it to its table,
/// where it becomes entry 62 and pushes the others one further.
pub fn put_added(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.push(0x40);
    put_string(out, name);
    put_string(out, value);
}
