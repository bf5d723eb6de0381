#!/bin/sh
# The request body arrives on stdin; whatever this writes to stdout is the response.
echo "Hello from bash-streaming. You said:"
cat
