#!/usr/bin/env bash
# Two guli processes on one PostgreSQL database, the full mix driven across
# both (each client talking to one of them, in turn), reported for each
# process and in all: scripts/load-mix.sh two. Extra arguments go to
# guli-load, e.g. scripts/load-two.sh -c 32 -d 20s
exec "$(dirname "$0")/load-mix.sh" two "$@"
