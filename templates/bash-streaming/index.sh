#!/bin/sh
# Entry point run by the watchdog for each request: hands stdin/stdout to the user's handler.
exec sh ./function/handler.sh
