#!/bin/sh
# The sample function `make up` serves: reads the request body, answers with a greeting.
# The request arrives CGI-style: body on stdin, headers as Http_* variables.
body=$(cat)
echo "Hello from faas++! You said: ${body:-nothing} (method ${Http_Method:-?}, path ${Http_Path:-/})"
