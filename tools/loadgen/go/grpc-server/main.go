// grpc-server is the seed course's grpc-go Greeter, the Go baseline for lesson 05:
// hello.Greeter/SayHello answering "Hello <name>!", on grpc-go's defaults.
// The hello package is generated from the course's proto/hello.proto (see ../README.md).
//
// With -tls-certs it is the baseline for lesson 16 too: it serves over mutual TLS as grpc-go
// is told to (credentials.NewTLS), showing NAME.pem from the folder `l16-trust ca` and
// `l16-trust issue NAME` write, and requiring each caller's certificate from its ca.pem.
// That is what go-micro v2.9.1's gRPC server does with the config grpc.AuthTLS gives it
// (server/grpc/grpc.go, getCredentials: credentials.NewTLS), so micro's TLS test
// (micro/tests/tls_go.rs) calls it as a go-micro service. It logs `listening on ADDRESS`,
// as the course's servers do.
//
//	grpc-server -addr 127.0.0.1:7205
//	grpc-server -addr 127.0.0.1:7205 -tls-certs certs -tls-as greeter
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"log"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"loadgen-go/coursetls"
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

// mutualTLS is the server's side of mutual TLS: show NAME's certificate, and require a
// caller's certificate signed by the CA of the same folder.
func mutualTLS(dir, name string) (credentials.TransportCredentials, error) {
	certificate, callers, err := coursetls.Load(dir, name)
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{certificate},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    callers,
	}), nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7205", "where to listen")
	certs := flag.String("tls-certs", "", "serve over mutual TLS with the certificates in this folder")
	as := flag.String("tls-as", "greeter", "whose certificate to show, with -tls-certs")
	flag.Parse()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	var options []grpc.ServerOption
	how := "plaintext"
	if *certs != "" {
		creds, err := mutualTLS(*certs, *as)
		if err != nil {
			log.Fatal(err)
		}
		options = append(options, grpc.Creds(creds))
		how = "mutual TLS as " + *as
	}
	server := grpc.NewServer(options...)
	hello.RegisterGreeterServer(server, greeter{})
	log.Printf("grpc-go Greeter listening on %s (%s)", listener.Addr(), how)
	log.Fatal(server.Serve(listener))
}
