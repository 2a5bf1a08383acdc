#!/usr/bin/env bash
# Writes a registry journal and a PostgreSQL database with the previous release's jar ($1), as its admin API and
# configuration import write them. Usage: produce.sh <old jar> <out dir> <postgres uri of an empty database>
set -euo pipefail
jar=$1; out=$2; pg=$3
sha() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
run() { # <name> <extra yaml> <args...>
  local name=$1 extra=$2; shift 2
  local dir=$out/$name; mkdir -p "$dir/state"
  cat > "$dir/relay.yaml" <<YAML
node: {stateDir: $dir/state}
server: {host: 127.0.0.1, port: 18480}
admin: {host: 127.0.0.1, port: 18481, tokens: {ops: {tokenHash: "$(sha xzr_upgrade-admin)"}}}
targets:
  calculator: {type: builtin, builtin: calculator}
  home: {type: provider, tokenHash: "$(sha xzr_upgrade-provider)"}
tenants:
  acme:
    limits: {maxDevices: 10}
    devices:
      kitchen: {tokenHash: "$(sha xzr_upgrade-kitchen)", endpoint: "ws://127.0.0.1:9/mcp/?token=config-endpoint-secret"}
$extra
YAML
  java -jar "$jar" --config "$dir/relay.yaml" "$@" > "$dir/relay.log" 2>&1 &
  local pid=$!
  for i in $(seq 1 120); do curl -sf http://127.0.0.1:18481/health/ready >/dev/null && break; sleep 1; done
  local admin=(-sf -H "authorization: Bearer xzr_upgrade-admin" -H "content-type: application/json")
  curl "${admin[@]}" -X POST http://127.0.0.1:18481/admin/v1/tenants -d '{"id":"shop","name":"Shop","limits":{"maxDevices":5,"callsPerMinute":600}}' > "$dir/shop.json"
  curl "${admin[@]}" -X POST http://127.0.0.1:18481/admin/v1/tenants/shop/devices -d '{"id":"till","name":"Till","endpoint":"ws://127.0.0.1:9/mcp/?token=admin-endpoint-secret"}' > "$dir/till.json"
  curl "${admin[@]}" -X POST http://127.0.0.1:18481/admin/v1/tenants/shop/devices -d '{"id":"door","name":"Door"}' > "$dir/door.json"
  curl "${admin[@]}" -X POST http://127.0.0.1:18481/admin/v1/tenants/shop/devices -d '{"id":"gone","name":"Gone"}' > "$dir/gone.json"
  curl "${admin[@]}" -X POST http://127.0.0.1:18481/admin/v1/tenants/shop/devices/gone/revoke > /dev/null
  kill -TERM $pid; wait $pid || true
}
run file "registry: {store: file}"
run postgres "registry: {store: postgres, postgres: {uri: \"$pg\", user: relay, password: relay-test}}
cluster: {enabled: true, hazelcastConfig: $(dirname "$jar")/../cluster.xml, host: 127.0.0.1, hazelcastPort: 18482, eventBusPort: 18483, members: \"127.0.0.1:18482\"}"
pg_dump --inserts --no-owner --no-privileges --dbname="postgresql://relay:relay-test@${pg#postgresql://}" > "$out/postgres/registry.sql"
