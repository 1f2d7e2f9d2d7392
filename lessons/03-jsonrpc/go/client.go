// The seed course's Go client for the hello service, pointed at this lesson's Rust server:
//
//	go run lessons/03-jsonrpc/go/client.go [ADDR [NAME]]
//
// net/rpc/jsonrpc speaks JSON-RPC 1.0; the Rust server answers it in kind (see src/v1.rs).
package main

import (
	"fmt"
	"log"
	"net/rpc/jsonrpc"
	"os"
)

func main() {
	addr, name := "127.0.0.1:7003", "gopher"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	if len(os.Args) > 2 {
		name = os.Args[2]
	}

	// ANCHOR: call
	client, err := jsonrpc.Dial("tcp", addr)
	if err != nil {
		log.Fatal("dialing: ", err)
	}
	defer client.Close()

	var reply string
	if err := client.Call("hello.HelloWorld", name, &reply); err != nil {
		log.Fatal("hello.HelloWorld: ", err)
	}
	fmt.Println(reply)

	// An error travels as a message; the connection stays usable.
	err = client.Call("hello.NoSuchMethod", name, &reply)
	fmt.Println("hello.NoSuchMethod:", err)
	// ANCHOR_END: call
}
