#!/usr/bin/env bash
# `npm run dev:pki`: a development PKI for the local quick start and the tests, made with openssl:
# a CA, a server certificate for 127.0.0.1/localhost, one client certificate per role, and an
# ES256 key whose public JWKS the ingress trusts for development tokens (`npm run dev:token`).
# Idempotent: keeps what exists. Output: $AIRLOCK_STACK_DIR/pki (default .stack/pki), git-ignored.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${AIRLOCK_STACK_DIR:-$root/.stack}/pki"
mkdir -p "$out"
cd "$out"
umask 077

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -keyout ca.key -out ca.crt -subj "/O=Airlock development/CN=Airlock dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

issue() { # name, subject, extensions
  local name="$1" subj="$2" ext="$3"
  [ -f "$name.crt" ] && return
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" 2>/dev/null
  printf '%s\n' "$ext" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 397 -sha256 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

issue server "/O=Airlock development/CN=localhost" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
for role in certifying_staff parts_traceability compliance_auditor fleet_ops edge_station sensor; do
  issue "client-$role" "/O=Airlock development/OU=$role/CN=dev-$role" \
    "subjectAltName=URI:urn:airlock:dev:$role
extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
done

# The development token issuer's signing key (ES256). Its public JWKS is written by dev-token.ts.
[ -f token-signing.key ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out token-signing.key 2>/dev/null
chmod 600 ./*.key
echo "dev PKI in $out"
