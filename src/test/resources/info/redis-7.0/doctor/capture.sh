#!/usr/bin/env bash
# Captures what `steward doctor` reads from a real redis-server 7.0, for the report tests (DoctorCaptures).
# The scenario is a busy primary with one replica and several mistakes an operator would want named:
# a 1 MB replication backlog under a steady write stream, a small replica output buffer limit, KEYS in use,
# a latency spike, an application user with every command, persistence by snapshots only.
# Run from this directory; it starts and stops its own servers on two free ports and never touches 6379.
set -euo pipefail
cd "$(dirname "$0")"
WORK=$(mktemp -d)
PRIMARY=${PRIMARY_PORT:-27411}
REPLICA=${REPLICA_PORT:-27412}
cli() { redis-cli -p "$PRIMARY" "$@"; }
trap 'redis-cli -p $REPLICA shutdown nosave >/dev/null 2>&1 || true; cli shutdown nosave >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

redis-server --port "$PRIMARY" --bind 127.0.0.1 --dir "$WORK" --dbfilename primary.rdb --daemonize yes \
    --logfile "$WORK/primary.log" --save "3600 1 300 100" --appendonly no --repl-backlog-size 1mb \
    --client-output-buffer-limit "replica 2mb 1mb 60" --latency-monitor-threshold 25 --enable-debug-command local
redis-server --port "$REPLICA" --bind 127.0.0.1 --dir "$WORK" --dbfilename replica.rdb --daemonize yes \
    --logfile "$WORK/replica.log" --save "" --replicaof 127.0.0.1 "$PRIMARY"
until redis-cli -p "$REPLICA" info replication | grep -q master_link_status:up; do sleep 0.1; done

cli acl setuser app on '>app-secret-password' '~*' '&*' '+@all' >/dev/null
cli debug populate 200000 key 100 >/dev/null
cli keys 'key:1999*' >/dev/null
cli debug sleep 0.06 >/dev/null
cli set session:1 x EX 3600 >/dev/null
cli -n 1 set other-db x >/dev/null

cli info everything > info-1.txt
# A steady write stream of about 500 KB/s for 2 s, then the second sample.
cli -r 20 -i 0.1 set payload "$(head -c 51200 /dev/zero | tr '\0' 'x')" >/dev/null
cli info everything > info-2.txt

cli --json config get save appendonly appendfsync stop-writes-on-bgsave-error no-appendfsync-on-rewrite \
    maxclients repl-backlog-size repl-timeout repl-ping-replica-period min-replicas-to-write min-replicas-max-lag \
    client-output-buffer-limit tcp-keepalive timeout protected-mode bind slowlog-log-slower-than slowlog-max-len \
    latency-monitor-threshold activedefrag hz enable-debug-command enable-module-command enable-protected-configs \
    > config.json
cli --json latency latest > latency-latest.json
cli --raw latency doctor > latency-doctor.txt
cli --raw memory doctor > memory-doctor.txt
cli --json slowlog get 128 > slowlog.json
cli --raw client list > client-list.txt
cli --raw acl list > acl-list.txt
cli --json role > role.json
cli --json memory stats > memory-stats.json
echo "captured from redis $(cli info server | grep redis_version | tr -d '\r')"

# LATENCY DOCTOR on a server whose memory sits on transparent huge pages. Redis opts out of THP by default
# (disable-thp yes); jemalloc is asked to use them. Needs THP "always" or "madvise" in the kernel.
THP=${THP_PORT:-27413}
MALLOC_CONF=thp:always redis-server --port "$THP" --bind 127.0.0.1 --dir "$WORK" --save "" --daemonize yes \
    --logfile "$WORK/thp.log" --disable-thp no --latency-monitor-threshold 100 --enable-debug-command local
sleep 0.5
redis-cli -p "$THP" debug populate 2000000 key 100 >/dev/null
redis-cli -p "$THP" --raw latency doctor > latency-doctor-thp.txt
redis-cli -p "$THP" shutdown nosave >/dev/null 2>&1 || true
