// jsonrpc-server is the seed course's jsonrpc HelloWorld, the Go baseline for lesson 03:
// net/rpc with the JSON-RPC 1.0 codec, jsonrpc.ServeConn, one goroutine per connection.
// `loadgen jsonrpc1` speaks exactly what Go's jsonrpc client sends, so it drives this.
//
//	jsonrpc-server -addr 127.0.0.1:7203
package main

import (
	"flag"
	"log"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
)

// Hello is registered as "hello", so its method is called as "hello.HelloWorld".
type Hello struct{}

// HelloWorld answers name with name + " hello world".
func (Hello) HelloWorld(name string, reply *string) error {
	*reply = name + " hello world"
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7203", "where to listen")
	flag.Parse()
	if err := rpc.RegisterName("hello", Hello{}); err != nil {
		log.Fatal(err)
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("jsonrpc HelloWorld on %s", listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go jsonrpc.ServeConn(conn)
	}
}
