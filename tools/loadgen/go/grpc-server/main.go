// grpc-server is the seed course's grpc-go Greeter, the Go baseline for lesson 05:
// hello.Greeter/SayHello answering "Hello <name>!", on grpc-go's defaults.
// The hello package is generated from the course's proto/hello.proto (see ../README.md).
//
//	grpc-server -addr 127.0.0.1:7205
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"

	"google.golang.org/grpc"

	"loadgen-go/hello"
)

type greeter struct{}

func (greeter) SayHello(ctx context.Context, in *hello.HelloRequest) (*hello.HelloReply, error) {
	return &hello.HelloReply{Message: "Hello " + in.Name + "!"}, nil
}

func (greeter) SayName(ctx context.Context, in *hello.NameRequest) (*hello.NameReply, error) {
	return &hello.NameReply{Message: in.Name}, nil
}

func (greeter) SayHelloStream(in *hello.HelloStreamRequest, stream hello.Greeter_SayHelloStreamServer) error {
	return errors.New("not part of the baseline")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7205", "where to listen")
	flag.Parse()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	server := grpc.NewServer()
	hello.RegisterGreeterServer(server, greeter{})
	log.Printf("grpc-go Greeter on %s", listener.Addr())
	log.Fatal(server.Serve(listener))
}
