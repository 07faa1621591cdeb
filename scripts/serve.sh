#!/usr/bin/env bash
# Serve the web application with the task queue's consumer beside it; stop both together.
#
# Usage: scripts/serve.sh PYTHON ADDRESS
# The consumer (manage.py run_huey) hands case events to the apps' handlers and runs the
# periodic tasks, the nightly retraining of the routers among them. When the web server
# stops, by Ctrl-C or by failing, the consumer is stopped too: SIGTERM, so it does not
# wait for a retraining to end; an event whose delivery it cut short is delivered again
# by the periodic task.
set -euo pipefail

python=$1
address=$2

"$python" manage.py run_huey &
consumer=$!
stop_consumer() {
    kill -TERM "$consumer" 2>/dev/null || true
    wait "$consumer" 2>/dev/null || true
}
trap stop_consumer EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

"$python" manage.py runserver "$address"
