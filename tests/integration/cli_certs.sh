#!/usr/bin/env bash
# Certificates from the command line: `pcnd cert status` (text, --json,
# exit codes), and a network served from an organisation's own PKI (root ->
# intermediate -> server, made here with the openssl tool): `pcnd init
# --tls-cert` puts that root's fingerprint in the first invitation, `pcnd
# run --tls-cert --tls-key` serves the chain, and the real `pcn join`
# pins the root through the intermediate. A chain without its root, or a
# key that does not match, is refused at start with a sentence.
. "$(dirname "$0")/cli_common.bash" "$1"

# --- status on a network pcnd init made
"$pcnd" init --data "$tmp/plain" --network "Plain PCN" > /dev/null
expect 0 "$pcnd" cert status --data "$tmp/plain"
grep -q "Network CA" "$tmp/out" || fail "status names no CA: $(cat "$tmp/out")"
expect 0 "$pcnd" cert status --data "$tmp/plain" --json
days=$(json 'd["server"]["days_left"]' < "$tmp/out")
[ "$days" -ge 824 ] && [ "$days" -le 825 ] || fail "server cert has $days days, not 825"
cadays=$(json 'd["root"]["days_left"]' < "$tmp/out")
[ "$cadays" -ge 3649 ] || fail "CA has $cadays days, not ten years"
expect 0 "$pcnd" cert --help
grep -q "SIGHUP" "$tmp/out" || fail "cert --help does not say how to reload"
expect 1 "$pcnd" cert status
one_line "status without --data"
ok

# --- renew keeps the names and adds --host; keys stay 0600
expect 0 "$pcnd" cert renew --data "$tmp/plain" --host hub.example.org --json
json '" ".join(d["hosts"])' < "$tmp/out" | grep -q "localhost.*hub.example.org" ||
  fail "renewed certificate lost or missed a name: $(cat "$tmp/out")"
[ "$(stat -c %a "$tmp/plain/server.key")" = 600 ] || fail "server.key is not 0600"
[ -f "$tmp/plain/server.pem.prev" ] || fail "the previous certificate was not kept"
expect 1 "$pcnd" cert renew --data "$tmp/nowhere"
one_line "renew without a network"
ok

# --- the CA key kept offline (pcnd init --ca-out): the data directory (and
# so a stolen server or its backups) cannot mint certificates; renewing asks
# for the key, and works with it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect 0 "$pcnd" init --data "$tmp/off" --network "Offline PCN" --listen "127.0.0.1:$port" \
  --ca-out "$tmp/usb"
grep -q -- "--ca-key $tmp/usb/ca.key" "$tmp/out" || fail "init does not say how to renew: $(cat "$tmp/out")"
code=$(cli_code < "$tmp/out")
[ ! -e "$tmp/off/ca.key" ] || fail "--ca-out left the CA key in the data directory"
[ "$(stat -c %a "$tmp/usb/ca.key")" = 600 ] || fail "the offline CA key is not 0600"
[ "$(stat -c %a "$tmp/usb")" = 700 ] || fail "the CA key's directory is not 0700"
expect 2 "$pcnd" init --data "$tmp/off2" --network "Other PCN" --ca-out "$tmp/usb"
one_line "init over an existing CA key"
[ ! -e "$tmp/off2/server.pem" ] || fail "a refused init left files behind"
expect 0 "$pcnd" cert status --data "$tmp/off" --json
[ "$(json 'd["ca_key"]' < "$tmp/out")" = offline ] || fail "status does not say the key is offline"
expect 0 "$pcnd" cert status --data "$tmp/plain" --json
[ "$(json 'd["ca_key"]' < "$tmp/out")" = data_dir ] || fail "status does not say the key is in the data directory"
before=$(sha256sum < "$tmp/off/server.pem")
expect 1 "$pcnd" cert renew --data "$tmp/off"
one_line "renew without the offline key"
grep -q -- "--ca-key" "$tmp/err" || fail "renew does not ask for --ca-key: $(cat "$tmp/err")"
[ "$before" = "$(sha256sum < "$tmp/off/server.pem")" ] || fail "a refused renew touched server.pem"
expect 1 "$pcnd" cert renew --data "$tmp/off" --ca-key "$tmp/plain/server.key"
grep -q "does not match" "$tmp/err" || fail "renew took a key that is not the CA's: $(cat "$tmp/err")"
"$pcnd" run --data "$tmp/off" > "$tmp/pcnd.log" 2>&1 &
pid=$!
wait_for "$tmp/pcnd.log" serving
echo "offline manager's password" | as offmgr join "$code" --password-stdin > /dev/null ||
  fail "a network whose CA key is offline cannot be joined"
expect 0 "$pcnd" cert renew --data "$tmp/off" --ca-key "$tmp/usb/ca.key"
[ "$before" != "$(sha256sum < "$tmp/off/server.pem")" ] || fail "renew with --ca-key issued nothing"
kill -HUP "$pid"
wait_for "$tmp/pcnd.log" "new connections get certificate"
as offmgr task add --title "after an offline renewal" > /dev/null || fail "the client lost the server after the renewal"
# A backup of such a network carries no CA key, and restores.
expect 0 "$pcnd" backup --data "$tmp/off" --out "$tmp/off.pcnbak"
cli_stop_pcnd
expect 0 "$pcnd" restore --from "$tmp/off.pcnbak" --data "$tmp/off-restored"
[ ! -e "$tmp/off-restored/ca.key" ] || fail "a restore made up a CA key"
ok

# --- an organisation's PKI
pki=$tmp/pki
mkdir -p "$pki"
cat > "$pki/ext.cnf" <<'EOF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = IP:127.0.0.1,DNS:localhost
EOF
ossl() { openssl "$@" 2> "$pki/openssl.err" || fail "openssl $1: $(cat "$pki/openssl.err")"; }
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/root.key"
ossl req -x509 -new -key "$pki/root.key" -subj "/CN=Trust Root" -days 3650 \
  -config "$pki/ext.cnf" -extensions ca -out "$pki/root.pem"
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/int.key"
ossl req -new -key "$pki/int.key" -subj "/CN=Trust Issuing CA" -out "$pki/int.csr"
ossl x509 -req -in "$pki/int.csr" -CA "$pki/root.pem" -CAkey "$pki/root.key" \
  -CAcreateserial -days 1000 -extfile "$pki/ext.cnf" -extensions ca -out "$pki/int.pem"
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/server.key"
ossl req -new -key "$pki/server.key" -subj "/CN=127.0.0.1" -out "$pki/server.csr"
ossl x509 -req -in "$pki/server.csr" -CA "$pki/int.pem" -CAkey "$pki/int.key" \
  -CAcreateserial -days 397 -extfile "$pki/ext.cnf" -extensions server -out "$pki/server.pem"
cat "$pki/server.pem" "$pki/int.pem" "$pki/root.pem" > "$pki/chain.pem"
cat "$pki/server.pem" "$pki/int.pem" > "$pki/noroot.pem"

expect 0 "$pcnd" cert status --tls-cert "$pki/chain.pem" --json
want=$(openssl x509 -in "$pki/root.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f)
got=$(json 'd["root"]["sha256"]' < "$tmp/out")
[ "$got" = "$want" ] || fail "status reports root $got, not $want"
ok

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect 2 "$pcnd" init --data "$tmp/org" --network "Org PCN" --listen "127.0.0.1:$port" \
  --tls-cert "$pki/noroot.pem"
grep -q "not a self-signed root" "$tmp/err" || fail "init took a chain without its root: $(cat "$tmp/err")"
rm -rf "$tmp/org"
"$pcnd" init --data "$tmp/org" --network "Org PCN" --listen "127.0.0.1:$port" \
  --tls-cert "$pki/chain.pem" > "$tmp/init.out"
code=$(cli_code < "$tmp/init.out")
grep -q -- "--tls-cert $pki/chain.pem" "$tmp/init.out" || fail "init does not say how to run: $(cat "$tmp/init.out")"

expect 2 "$pcnd" run --data "$tmp/org" --tls-cert "$pki/noroot.pem" --tls-key "$pki/server.key"
grep -q "not a self-signed root" "$tmp/err" || fail "run served a chain without its root: $(cat "$tmp/err")"
expect 2 "$pcnd" run --data "$tmp/org" --tls-cert "$pki/chain.pem" --tls-key "$pki/int.key"
grep -q "must match" "$tmp/err" || fail "run took a key that does not match: $(cat "$tmp/err")"
expect 2 "$pcnd" run --data "$tmp/org" --tls-cert "$pki/chain.pem"
grep -q "go together" "$tmp/err" || fail "run took --tls-cert without --tls-key: $(cat "$tmp/err")"
ok

"$pcnd" run --data "$tmp/org" --tls-cert "$pki/chain.pem" --tls-key "$pki/server.key" \
  > "$tmp/pcnd.log" 2>&1 &
pid=$!
wait_for "$tmp/pcnd.log" serving
echo "manager's long password" | mgr join "$code" --password-stdin > /dev/null
mgr task add --title "over our own PKI" > /dev/null
mgr task list --json | grep -q "over our own PKI" || fail "no task over the organisation's PKI"
# An invitation made by the running server pins the same root.
cli_add_practice F84001 "Riverside Surgery"
cli_add_member jo practice_manager F84001
as jo task list > /dev/null
# The network CA pcnd init made is not what is served: a client pinning
# it would be refused, so nothing trusts two roots by accident.
openssl s_client -connect "127.0.0.1:$port" -CAfile "$tmp/org/ca.pem" -verify_return_error \
  < /dev/null > /dev/null 2>&1 && fail "the network CA verified the organisation's chain"
openssl s_client -connect "127.0.0.1:$port" -CAfile "$pki/root.pem" -verify_return_error \
  < /dev/null > /dev/null 2>&1 || fail "the organisation's root does not verify what pcnd serves"
cli_stop_pcnd
ok

# --- locked out of a network on its own PKI, with no server running: the
# operator's invitation pins the chain's root when told --tls-cert; without
# it, it pins the network CA, and joining is refused rather than trusting it.
expect 0 "$pcnd" invite --data "$tmp/org" --username boss --tls-cert "$pki/chain.pem"
grep -q "no server was running" "$tmp/out" || fail "invite did not write the store: $(cat "$tmp/out")"
boss_code=$(cli_code < "$tmp/out")
expect 0 "$pcnd" invite --data "$tmp/org" --username wrongroot
wrong_code=$(cli_code < "$tmp/out")
expect 2 "$pcnd" invite --data "$tmp/org" --username boss2 --tls-cert "$tmp/nothing.pem"
[ "$(wc -l < "$tmp/err")" = 1 ] || fail "a missing chain is not one sentence: $(cat "$tmp/err")"
"$pcnd" run --data "$tmp/org" --tls-cert "$pki/chain.pem" --tls-key "$pki/server.key" \
  > "$tmp/pcnd.log" 2>&1 &
pid=$!
wait_for "$tmp/pcnd.log" serving
echo "a new manager's password" | as boss join "$boss_code" --password-stdin > /dev/null ||
  fail "the operator's invitation with --tls-cert did not join"
as boss task list > /dev/null || fail "the new PCN manager cannot work"
echo "a new manager's password" | expect 3 as wrongroot join "$wrong_code" --password-stdin
grep -qi "certificate\|fingerprint" "$tmp/err" || fail "joining with the wrong root did not say why: $(cat "$tmp/err")"
cli_stop_pcnd
ok

# --- rolling the network CA over, as docs/certificates.md says: a new CA
# (from a scratch `pcnd init`), appended to a client's ca.pem; then the
# data directory takes it, renew issues from it, SIGHUP serves it. The
# client that has both CAs carries on; one that has only the old is
# refused, until it gets the new one too.
cli_start_network
cli_add_member cd clinical_director
"$pcnd" init --data "$tmp/nextca" --network "Riverside PCN" > /dev/null
cat "$tmp/nextca/ca.pem" >> "$tmp/mgr/pcn/ca.pem"
mgr task list > /dev/null
cp -p "$tmp/net/ca.pem" "$tmp/net/ca.pem.old"
cp -p "$tmp/net/ca.key" "$tmp/net/ca.key.old"
# A SIGHUP before renewing finds server.pem not issued by the new CA, and
# keeps serving the old pair.
cp "$tmp/nextca/ca.pem" "$tmp/nextca/ca.key" "$tmp/net/"
kill -HUP "$pid"
wait_for "$tmp/pcnd.log" "kept the certificate already served"
as cd task list > /dev/null
expect 0 "$pcnd" cert renew --data "$tmp/net"
kill -HUP "$pid"
wait_for "$tmp/pcnd.log" "root certificate changed"
mgr task add --title "after the CA rollover" > /dev/null
if as cd task list > "$tmp/out" 2>&1; then fail "a client with only the old CA still connected"; fi
cat "$tmp/nextca/ca.pem" >> "$tmp/cd/pcn/ca.pem"
as cd task list | grep -q "after the CA rollover" || fail "cd does not see the task with both CAs"
cli_stop_pcnd
ok

echo "cli_certs: $passed groups passed"
