#!/usr/bin/env bash
# RabbitMQ with its Web-STOMP plugin, on loopback only, for the side-by-side bench in
# docs/benchmarks.md ("STOMP over WebSocket: Junction vs RabbitMQ Web-STOMP").
#
# usage: bench/rabbitmq-web-stomp.sh [start|stop|status|clean]
#   start   (default) install Debian's rabbitmq-server if it is missing, configure it for
#           127.0.0.1 only, enable rabbitmq_web_stomp, start it and wait until
#           ws://127.0.0.1:15674/ws answers. Safe to run again: it changes only what differs.
#   stop    stop the broker
#   status  print the version and whether Web-STOMP listens
#   clean   delete the queues bench runs left behind (bench-*): STOMP has no way to delete
#           a queue, and leftover queues bound to amq.fanout would take copies in later runs
#
# Then: java -jar target/junction.jar bench --url ws://127.0.0.1:15674/ws --login guest --passcode guest …
set -euo pipefail

WS_PORT=15674
CONF_DIR=/etc/rabbitmq
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

log() { echo "rabbitmq-web-stomp: $*"; }

# rabbitmq.conf (new-style). The STOMP TCP listener comes with the Web-STOMP plugin; it is
# moved off 61613 (Junction's default STOMP port) and kept on loopback like everything else.
# Web-STOMP frames are binary: bench bodies are random bytes, not UTF-8 text.
RABBITMQ_CONF="listeners.tcp.default = 127.0.0.1:5672
stomp.listeners.tcp.1 = 127.0.0.1:61614
web_stomp.tcp.ip = 127.0.0.1
web_stomp.tcp.port = $WS_PORT
web_stomp.ws_frame = binary
distribution.listener.interface = 127.0.0.1
management.tcp.ip = 127.0.0.1
"
# Erlang's port mapper and the node name: loopback, and no dependence on the host name.
RABBITMQ_ENV="NODENAME=rabbit@localhost
export ERL_EPMD_ADDRESS=127.0.0.1
"
ENABLED_PLUGINS="[rabbitmq_web_stomp]."

# Writes $2 to file $1 when it differs; returns 0 when it wrote.
put() {
  if [ -f "$1" ] && [ "$(cat "$1")" == "$(printf '%s' "$2")" ]; then
    return 1
  fi
  printf '%s\n' "$2" | $SUDO tee "$1" >/dev/null
  log "wrote $1"
  return 0
}

configure() {
  $SUDO mkdir -p "$CONF_DIR"
  local changed=1
  put "$CONF_DIR/rabbitmq.conf" "$RABBITMQ_CONF" && changed=0
  put "$CONF_DIR/rabbitmq-env.conf" "$RABBITMQ_ENV" && changed=0
  put "$CONF_DIR/enabled_plugins" "$ENABLED_PLUGINS" && changed=0
  return $changed
}

install() {
  if dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q "install ok installed"; then
    return
  fi
  log "installing Debian's rabbitmq-server"
  $SUDO apt-get update -qq
  # Our configuration files are written first (configure), so that the package's first start
  # already listens on loopback only; --force-confold keeps them.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o Dpkg::Options::=--force-confold \
    rabbitmq-server >/dev/null
}

running() {
  $SUDO rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

ws_listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$WS_PORT") 2>/dev/null
}

service_ctl() {
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl "$1" rabbitmq-server
  elif [ -x /etc/init.d/rabbitmq-server ]; then
    $SUDO service rabbitmq-server "$1"
  elif [ "$1" == "start" ]; then
    $SUDO rabbitmq-server -detached
  else
    $SUDO rabbitmqctl stop
  fi
}

await_ready() {
  for _ in $(seq 1 120); do
    if running && ws_listening; then
      return 0
    fi
    sleep 1
  done
  log "RabbitMQ did not come up within 120 s; see /var/log/rabbitmq/"
  return 1
}

start() {
  local changed=1
  configure && changed=0
  install
  $SUDO rabbitmq-plugins enable --offline rabbitmq_web_stomp >/dev/null
  if running && [ $changed -eq 0 ]; then
    log "configuration changed: restarting"
    service_ctl stop || true
  fi
  if ! running; then
    log "starting"
    service_ctl start
  fi
  await_ready
  status
}

stop() {
  if running; then
    service_ctl stop
    log "stopped"
  else
    log "not running"
  fi
}

status() {
  if ! running; then
    log "not running"
    return 1
  fi
  log "RabbitMQ $($SUDO rabbitmqctl -q version), Web-STOMP on ws://127.0.0.1:$WS_PORT/ws:" \
    "$(ws_listening && echo listening || echo 'not listening')"
}

clean() {
  local queues
  queues=$($SUDO rabbitmqctl -q list_queues name --no-table-headers 2>/dev/null | grep '^bench-' || true)
  if [ -z "$queues" ]; then
    log "no bench queues"
    return
  fi
  local n=0
  for q in $queues; do
    $SUDO rabbitmqctl -q delete_queue "$q" >/dev/null
    n=$((n + 1))
  done
  log "deleted $n bench queue(s)"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) clean ;;
  *) echo "usage: $0 [start|stop|status|clean]" >&2; exit 2 ;;
esac
