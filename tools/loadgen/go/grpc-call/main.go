// grpc-call makes one Greeter call the way go-micro v2.9.1's gRPC client makes it, over
// mutual TLS: the peer that micro's TLS test (micro/tests/tls_go.rs) holds the framework's
// services against, with grpc-server -tls-certs as go-micro's gRPC server.
//
// go-micro hands grpc-go the tls.Config it was given and adds nothing to TLS
// (github.com/micro/go-micro v2.9.1):
//   - service/grpc/options.go, WithTLS: the same *tls.Config to the client (AuthTLS) and
//     to the server (AuthTLS), so one config holds both sides' settings;
//   - client/grpc/grpc.go, secure: grpc.WithTransportCredentials(credentials.NewTLS(config));
//   - client/grpc/grpc.go, call: the metadata "timeout" (nanoseconds) and "x-content-type",
//     grpc.CallContentSubtype of the codec ("proto": content-type application/grpc+proto),
//     and the path methodToGRPC(service, "Greeter.SayHello") = /SERVICE.Greeter/SayHello,
//     which is the proto's own path when the service is named after its package (hello).
//
// grpc-go checks the server's certificate against the host of the address it dials, an IP
// address, unless the config names the server: ServerName is the DNS name the course's
// certificates carry (the service's name).
//
//	grpc-call -addr 127.0.0.1:7205 -tls-certs certs -tls-as gateway -service hello -name gopher
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"loadgen-go/coursetls"
	"loadgen-go/hello"
)

// withTLS is the one config go-micro's WithTLS is given: this side's certificate, the
// course's CA for both directions, the caller's certificate required, the server named.
func withTLS(dir, name, service string) (*tls.Config, error) {
	certificate, course, err := coursetls.Load(dir, name)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{certificate},
		RootCAs:      course,
		ClientCAs:    course,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ServerName:   service,
	}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7205", "the node to call")
	certs := flag.String("tls-certs", "certs", "the folder of ca.pem, NAME.pem and NAME.key")
	as := flag.String("tls-as", "gateway", "whose certificate to show")
	service := flag.String("service", "hello", "the service called, and the name its certificate must carry")
	name := flag.String("name", "gopher", "who to greet")
	timeout := flag.Duration("timeout", 5*time.Second, "the call's deadline (go-micro's RequestTimeout)")
	flag.Parse()

	config, err := withTLS(*certs, *as, *service)
	if err != nil {
		fmt.Fprintln(os.Stderr, "grpc-call:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx = metadata.NewOutgoingContext(ctx, metadata.New(map[string]string{
		"timeout":        fmt.Sprintf("%d", *timeout),
		"x-content-type": "application/grpc+proto",
	}))
	conn, err := grpc.DialContext(ctx, *addr, grpc.WithTransportCredentials(credentials.NewTLS(config)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "grpc-call:", err)
		os.Exit(1)
	}
	defer conn.Close()
	var reply hello.HelloReply
	path := fmt.Sprintf("/%s.%s/%s", *service, "Greeter", "SayHello")
	err = conn.Invoke(ctx, path, &hello.HelloRequest{Name: *name}, &reply, grpc.CallContentSubtype("proto"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "grpc-call:", err)
		os.Exit(1)
	}
	fmt.Println(reply.Message)
}
