// SHA256_Init/Update/Final run OpenSSL's implementation directly; the EVP interface would
// first initialise the provider machinery and read openssl.cnf (~5 M instructions, a third of
// a container start's parent-side work). They are deprecated in OpenSSL 3 but kept.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
