# Entry point of the classic python3 template: the watchdog starts this once per request with
# the request body on stdin; what the handler returns is printed as the response.
import sys

from function import handler


def get_stdin():
    # Text mode, like OpenFaaS's template: the handler gets a str.
    return sys.stdin.read()


if __name__ == "__main__":
    ret = handler.handle(get_stdin())
    if ret is not None:
        print(ret)
