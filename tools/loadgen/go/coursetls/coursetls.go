// Package coursetls reads the folder of certificates that `l16-trust ca` and
// `l16-trust issue NAME` write: ca.pem, and NAME.pem with NAME.key. The Go peers that speak
// mutual TLS with the course's services (grpc-server -tls-certs, grpc-call) read it here.
package coursetls

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
)

// Load returns NAME's certificate and key, and the course's CA as a pool to trust.
func Load(dir, name string) (tls.Certificate, *x509.CertPool, error) {
	certificate, err := tls.LoadX509KeyPair(filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key"))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	course := x509.NewCertPool()
	if !course.AppendCertsFromPEM(ca) {
		return tls.Certificate{}, nil, errors.New("ca.pem holds no certificate")
	}
	return certificate, course, nil
}
