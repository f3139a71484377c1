#!/usr/bin/env bash
# Start PostgreSQL, MariaDB, Redis and Mosquitto on their standard local ports when they are down.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do up "$port" && { echo "$name is up on $port"; return 0; }; sleep 1; done
  echo "!!! $name did not come up on port $port" >&2
  return 1
}

if ! up 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for postgresql 5432
fi
if ! up 3306; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  wait_for mariadb 3306
fi
if ! up 6379; then
  mkdir -p /var/log/redis /var/lib/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_for redis 6379
fi
if ! up 1883; then
  mosquitto -d -c /etc/mosquitto/mosquitto.conf || true
  wait_for mosquitto 1883
fi
exit 0
