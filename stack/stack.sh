#!/usr/bin/env bash
# The local real stack, without Docker: Apache Kafka (KRaft: one node, or a cluster of three with
# AIRLOCK_STACK_BROKERS=3) from Apache Kafka's jars on Maven Central, Apicurio Registry
# (Confluent-compatible API) from its Maven Central distribution, and Debian's redis-server; with
# AIRLOCK_STACK_TRACING=1 also a trace back end, Jaeger v2 (built from the Go module proxy).
# Usage: stack/stack.sh up|down|status|logs [service] [-f]
#
# Idempotent: `up` on a running stack is a no-op, `down` leaves no process. Ports and the data
# folder come from the environment (see docs/operations.md); logs go to $AIRLOCK_STACK_DIR/logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

STACK_DIR="${AIRLOCK_STACK_DIR:-$root/.stack}"
KAFKA_PORT="${AIRLOCK_STACK_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${AIRLOCK_STACK_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${AIRLOCK_STACK_REGISTRY_PORT:-8081}"
REDIS_PORT="${AIRLOCK_STACK_REDIS_PORT:-6379}"
JAEGER_OTLP_PORT="${AIRLOCK_STACK_JAEGER_OTLP_PORT:-4318}"
JAEGER_QUERY_PORT="${AIRLOCK_STACK_JAEGER_QUERY_PORT:-16686}"
TIMEOUT_S="${AIRLOCK_STACK_TIMEOUT_S:-180}"
APICURIO_VERSION="${AIRLOCK_STACK_APICURIO_VERSION:-3.0.9}"
REGISTRY_HEAP="${AIRLOCK_STACK_REGISTRY_HEAP:-384m}"

RUN="$STACK_DIR/run"
LOGS="$STACK_DIR/logs"
# The stack that runs keeps its size (down and status need no AIRLOCK_STACK_BROKERS).
BROKERS="${AIRLOCK_STACK_BROKERS:-$(cat "$RUN/brokers" 2>/dev/null || echo 1)}"
case "$BROKERS" in 1|3) ;; *) echo "stack: error: AIRLOCK_STACK_BROKERS must be 1 or 3, not $BROKERS" >&2; exit 2 ;; esac
# Three brokers share the machine with everything else: smaller heaps.
KAFKA_HEAP="${AIRLOCK_STACK_KAFKA_HEAP:-$([ "$BROKERS" = 1 ] && echo 768m || echo 512m)}"
# Broker n (1-based) is the service kafka (n = 1) or kafka-<n>, on the ports + 100 × (n − 1).
KAFKA_SERVICES=(kafka)
for ((n = 2; n <= BROKERS; n++)); do KAFKA_SERVICES+=("kafka-$n"); done
SERVICES=("${KAFKA_SERVICES[@]}" registry redis)
# The trace back end, on request (remembered like the brokers' number).
TRACING="${AIRLOCK_STACK_TRACING:-$(cat "$RUN/tracing" 2>/dev/null || echo 0)}"
[ "$TRACING" = 1 ] && SERVICES+=(jaeger)
node_of() { [ "$1" = kafka ] && echo 1 || echo "${1#kafka-}"; }
broker_port() { echo $((KAFKA_PORT + 100 * ($(node_of "$1") - 1))); }
controller_port() { echo $((CONTROLLER_PORT + 100 * ($(node_of "$1") - 1))); }

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

kafka_bootstrap() {
  local svc out=()
  for svc in "${KAFKA_SERVICES[@]}"; do out+=("127.0.0.1:$(broker_port "$svc")"); done
  (IFS=,; echo "${out[*]}")
}
registry_url() { echo "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT"; }
otlp_url() { echo "http://127.0.0.1:$JAEGER_OTLP_PORT/v1/traces"; }
jaeger_url() { echo "http://127.0.0.1:$JAEGER_QUERY_PORT"; }
log_of() { echo "$LOGS/$1.log"; }

# ---------------------------------------------------------------------------------------------
# Processes: a pid file per service, checked against the process's command line so a reused pid
# is never taken for ours.
pid_of() { [ -f "$RUN/$1.pid" ] && tr -d '[:space:]' <"$RUN/$1.pid" || true; }
alive() {
  local pid; pid="$(pid_of "$1")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  case "$1" in
    redis) grep -q 'redis-server' "/proc/$pid/cmdline" ;;
    jaeger) tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "stack/tools/jaeger/config.yaml" ;;
    *) tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-Dairlock.stack=$1" ;;
  esac
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Health: Kafka answers a metadata/ApiVersions request, the registry answers /subjects, Redis PONG.
healthy() {
  case "$1" in
    kafka*)
      port_open "$(broker_port "$1")" || return 1
      [ -f "$STACK_DIR/kafka/classpath" ] || return 1
      timeout 30 java -Xmx128m -cp "$(cat "$STACK_DIR/kafka/classpath")" kafka.admin.BrokerApiVersionsCommand \
        --bootstrap-server "127.0.0.1:$(broker_port "$1")" >/dev/null 2>&1 ;;
    registry) curl -fsS -m 5 -o /dev/null "$(registry_url)/subjects" 2>/dev/null ;;
    redis) [ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] ;;
    jaeger) curl -fsS -m 5 -o /dev/null "$(jaeger_url)/api/services" 2>/dev/null ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# What the stack needs on the machine, installed or fetched into caches on first use.
need_java() {
  command -v java >/dev/null || die "Java 17 is required (Debian: apt-get install -y openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "Maven is required to fetch Kafka and Apicurio from Maven Central (apt-get install -y maven)"
}

resolve_kafka() {
  mkdir -p "$STACK_DIR/kafka"
  local stamp; stamp="$(sha256sum "$here/pom.xml" | cut -c1-16)"
  if [ -f "$STACK_DIR/kafka/classpath" ] && [ "$(cat "$STACK_DIR/kafka/classpath.stamp" 2>/dev/null)" = "$stamp" ]; then
    return
  fi
  say "resolving Apache Kafka's jars from Maven Central (cached in ~/.m2)"
  mvn -B -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$STACK_DIR/kafka/classpath" \
    >"$LOGS/maven-kafka.log" 2>&1 || die "Maven could not resolve Kafka; see $LOGS/maven-kafka.log"
  echo "$stamp" >"$STACK_DIR/kafka/classpath.stamp"
}

registry_jar() { echo "$STACK_DIR/apicurio-$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-runner.jar"; }

resolve_registry() {
  [ -f "$(registry_jar)" ] && return
  say "fetching Apicurio Registry $APICURIO_VERSION from Maven Central (cached in ~/.m2)"
  local dl="$STACK_DIR/downloads"
  mkdir -p "$dl" "$STACK_DIR/apicurio-$APICURIO_VERSION"
  mvn -B -q dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$dl" >"$LOGS/maven-registry.log" 2>&1 \
    || die "Maven could not fetch io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all; see $LOGS/maven-registry.log"
  tar -xzf "$dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$STACK_DIR/apicurio-$APICURIO_VERSION"
  rm -f "$dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  [ -f "$(registry_jar)" ] || die "the Apicurio distribution has no $(basename "$(registry_jar)")"
}

resolve_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's redis-server"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; } >"$LOGS/apt-redis.log" 2>&1 \
      || die "apt-get could not install redis-server; see $LOGS/apt-redis.log"
    # Debian starts its own service on 6379; the stack runs its own instance, so stop that one.
    (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
  else
    die "redis-server is missing: install it with 'sudo apt-get install -y redis-server'"
  fi
}

resolve_python() {
  local venv="$STACK_DIR/python" req="$here/python-requirements.txt" stamp
  stamp="$(sha256sum "$req" | cut -c1-16)"
  [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ] && return
  command -v python3 >/dev/null || { say "python3 missing: the Confluent interop test will not have its client"; return; }
  say "preparing the Confluent Python client's virtualenv (interop test)"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"; } \
    >"$LOGS/python.log" 2>&1 || die "could not prepare $venv; see $LOGS/python.log"
  echo "$stamp" >"$venv/.stamp"
}

# ---------------------------------------------------------------------------------------------
start_kafka() {
  local svc="$1" dir="$STACK_DIR/kafka" cp node data props voters="" rf=1 isr=1 other
  cp="$(cat "$dir/classpath")"
  node="$(node_of "$svc")"
  # A cluster keeps data of its own: a single node's storage was formatted for another quorum.
  if [ "$BROKERS" = 1 ]; then data="$dir/data"; props="$dir/server.properties"; else
    data="$dir/cluster-data-$node"; props="$dir/server-$node.properties"; rf=3; isr=2; fi
  for other in "${KAFKA_SERVICES[@]}"; do
    voters+="${voters:+,}$(node_of "$other")@127.0.0.1:$(controller_port "$other")"
  done
  sed -e "s#@@KAFKA_PORT@@#$(broker_port "$svc")#g" -e "s#@@CONTROLLER_PORT@@#$(controller_port "$svc")#g" \
    -e "s#@@DATA_DIR@@#$data#g" -e "s#@@NODE_ID@@#$node#g" -e "s#@@VOTERS@@#$voters#g" \
    -e "s#@@RF@@#$rf#g" -e "s#@@MIN_ISR@@#$isr#g" "$here/kafka.properties.template" >"$props"
  if [ ! -f "$data/meta.properties" ]; then
    if [ ! -s "$dir/cluster-id" ]; then
      local id
      id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)" || true
      [ -n "$id" ] || die "could not generate a Kafka cluster id (kafka.tools.StorageTool random-uuid)"
      echo "$id" >"$dir/cluster-id"
    fi
    java -Dlog4j.configuration="file:$here/log4j.properties" -cp "$cp" kafka.tools.StorageTool format \
      -t "$(cat "$dir/cluster-id")" -c "$props" >>"$(log_of "$svc")" 2>&1 \
      || die "formatting Kafka's storage failed; see $(log_of "$svc")"
  fi
  nohup java "-Xmx$KAFKA_HEAP" -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dairlock.stack="$svc" -Dlog4j.configuration="file:$here/log4j.properties" \
    -cp "$cp" kafka.Kafka "$props" >>"$(log_of "$svc")" 2>&1 </dev/null &
  echo $! >"$RUN/$svc.pid"
}

start_registry() {
  mkdir -p "$STACK_DIR/registry"
  # File-backed H2, so registered schemas (and their ids inside every Avro record) survive a restart.
  nohup java "-Xmx$REGISTRY_HEAP" -Dairlock.stack=registry \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dapicurio.datasource.url="jdbc:h2:file:$STACK_DIR/registry/db" \
    -Dapicurio.storage.snapshot.location="$STACK_DIR/registry" \
    -jar "$(registry_jar)" >>"$(log_of registry)" 2>&1 </dev/null &
  echo $! >"$RUN/registry.pid"
}

start_redis() {
  mkdir -p "$STACK_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --dir "$STACK_DIR/redis" \
    --appendonly yes --appendfsync everysec --save '' --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$(log_of redis)" >/dev/null \
    || die "redis-server did not start; see $(log_of redis)"
  local i; for i in $(seq 1 50); do [ -s "$RUN/redis.pid" ] && break; sleep 0.1; done
}

start_jaeger() {
  local bin
  bin="$(bash "$here/go-tool.sh" jaeger "$here/tools/jaeger" 2>>"$LOGS/go-jaeger.log")" \
    || die "Jaeger could not be built; see $LOGS/go-jaeger.log"
  JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_PORT" JAEGER_QUERY_PORT="$JAEGER_QUERY_PORT" \
    JAEGER_QUERY_GRPC_PORT="$((JAEGER_QUERY_PORT - 1))" \
    nohup "$bin" --config="file:$here/tools/jaeger/config.yaml" >>"$(log_of jaeger)" 2>&1 </dev/null &
  echo $! >"$RUN/jaeger.pid"
}

ensure_port_free() {
  local svc="$1" port="$2"
  if port_open "$port"; then
    die "$svc: port $port on 127.0.0.1 is taken by another process; stop it or set AIRLOCK_STACK_${svc^^}_PORT"
  fi
}

wait_healthy() {
  local svc="$1" deadline=$((SECONDS + TIMEOUT_S))
  until healthy "$svc"; do
    if ! alive "$svc"; then
      tail -n 20 "$(log_of "$svc")" >&2 || true
      die "$svc exited during start-up; its log is $(log_of "$svc")"
    fi
    [ $SECONDS -lt $deadline ] || die "$svc did not become healthy within ${TIMEOUT_S}s; its log is $(log_of "$svc")"
    sleep 1
  done
}

write_env() {
  cat >"$STACK_DIR/env" <<ENV
# Endpoints of the local stack, written by stack/stack.sh up. Source it: set -a; . $STACK_DIR/env; set +a
AIRLOCK_KAFKA_BROKERS=$(kafka_bootstrap)
AIRLOCK_REGISTRY_URL=$(registry_url)
AIRLOCK_REDIS_URL=$(redis_url)
AIRLOCK_STACK_PYTHON=$STACK_DIR/python/bin/python
ENV
  if [ "$TRACING" = 1 ]; then echo "AIRLOCK_TRACING_ENDPOINT=$(otlp_url)" >>"$STACK_DIR/env"; fi
}

cmd_up() {
  mkdir -p "$RUN" "$LOGS"
  local started=() svc
  need_java
  resolve_kafka
  resolve_registry
  resolve_redis
  resolve_python
  if [ -f "$RUN/brokers" ] && [ "$(cat "$RUN/brokers")" != "$BROKERS" ] && alive kafka; then
    die "a stack of $(cat "$RUN/brokers") broker(s) runs; stop it (stack/stack.sh down) before starting one of $BROKERS"
  fi
  echo "$BROKERS" >"$RUN/brokers"
  echo "$TRACING" >"$RUN/tracing"
  for svc in "${SERVICES[@]}"; do
    if alive "$svc"; then continue; fi
    case "$svc" in
      kafka*) ensure_port_free kafka "$(broker_port "$svc")"; ensure_port_free controller "$(controller_port "$svc")"
        start_kafka "$svc" ;;
      registry) ensure_port_free registry "$REGISTRY_PORT"; start_registry ;;
      redis) ensure_port_free redis "$REDIS_PORT"; start_redis ;;
      jaeger) ensure_port_free jaeger_otlp "$JAEGER_OTLP_PORT"; ensure_port_free jaeger_query "$JAEGER_QUERY_PORT"
        start_jaeger ;;
    esac
    started+=("$svc")
  done
  for svc in "${SERVICES[@]}"; do wait_healthy "$svc"; done
  write_env
  if [ ${#started[@]} -eq 0 ]; then say "already running"; else say "started: ${started[*]}"; fi
  say "kafka    $(kafka_bootstrap)"
  say "registry $(registry_url)"
  say "redis    $(redis_url)"
  if [ "$TRACING" = 1 ]; then say "traces   $(otlp_url) (OTLP/HTTP); query $(jaeger_url)/api/traces/<trace id>"; fi
  say "env file $STACK_DIR/env (set -a; . $STACK_DIR/env; set +a)"
}

cmd_down() {
  local svc pid i pids=()
  # Every process told at once: the brokers of a cluster leave together (one by one, the last would
  # wait for a quorum that is gone).
  for svc in "${SERVICES[@]}"; do
    if alive "$svc"; then pid="$(pid_of "$svc")"; kill -TERM "$pid" 2>/dev/null || true; pids+=("$svc:$pid"); fi
  done
  for entry in "${pids[@]}"; do
    svc="${entry%%:*}" pid="${entry#*:}"
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then say "$svc did not stop in 30s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    say "stopped $svc (pid $pid)"
  done
  for svc in "${SERVICES[@]}"; do rm -f "$RUN/$svc.pid"; done
  rm -f "$RUN/brokers" "$RUN/tracing"
}

cmd_status() {
  local svc bad=0 pid
  for svc in "${SERVICES[@]}"; do
    pid="$(pid_of "$svc")"
    if alive "$svc"; then
      if healthy "$svc"; then
        printf '%-9s up         pid %-7s %s\n' "$svc" "$pid" "$(endpoint "$svc")"
      else
        printf '%-9s unhealthy  pid %-7s not answering at %s; log %s\n' "$svc" "$pid" "$(endpoint "$svc")" "$(log_of "$svc")"; bad=1
      fi
    elif [ -n "$pid" ]; then
      printf '%-9s dead       pid %s is gone; log %s\n' "$svc" "$pid" "$(log_of "$svc")"; bad=1
    else
      printf '%-9s down\n' "$svc"; bad=1
    fi
  done
  return $bad
}
endpoint() {
  case "$1" in
    kafka*) echo "127.0.0.1:$(broker_port "$1")" ;; registry) registry_url ;; redis) redis_url ;;
    jaeger) echo "$(otlp_url) query $(jaeger_url)" ;;
  esac
}

cmd_logs() {
  local svc="${1:-}" follow="${2:-}"
  if [ -n "$svc" ] && [ "$svc" != "-f" ]; then
    [ -f "$(log_of "$svc")" ] || die "no log for $svc at $(log_of "$svc")"
    if [ "$follow" = "-f" ]; then exec tail -n 100 -F "$(log_of "$svc")"; fi
    tail -n 100 "$(log_of "$svc")"
  else
    for svc in "${SERVICES[@]}"; do
      printf '==> %s <==\n' "$(log_of "$svc")"; tail -n 20 "$(log_of "$svc")" 2>/dev/null || echo "(no log yet)"
    done
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  env) write_env; cat "$STACK_DIR/env" ;;
  *) echo "usage: [AIRLOCK_STACK_BROKERS=3] [AIRLOCK_STACK_TRACING=1] stack/stack.sh up|down|status|logs [kafka|kafka-2|kafka-3|registry|redis|jaeger] [-f]" >&2; exit 2 ;;
esac
