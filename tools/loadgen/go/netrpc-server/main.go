// netrpc-server is the seed course's net/rpc HelloWorld, the Go baseline for lesson 02:
// gob over TCP, rpc.Register + rpc.ServeConn, one goroutine per connection.
//
//	netrpc-server -addr 127.0.0.1:7202
package main

import (
	"flag"
	"log"
	"net"
	"net/rpc"
)

// Hello is registered as "hello", so its method is called as "hello.HelloWorld".
type Hello struct{}

// HelloWorld answers name with name + " hello world".
func (Hello) HelloWorld(name string, reply *string) error {
	*reply = name + " hello world"
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7202", "where to listen")
	flag.Parse()
	if err := rpc.RegisterName("hello", Hello{}); err != nil {
		log.Fatal(err)
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("net/rpc HelloWorld on %s", listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go rpc.ServeConn(conn)
	}
}
