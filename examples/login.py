"""Log in to a running Actions Studio tenant as its demo user and print the tokens' claims.

    actions-studio tenant serve --data DATA        # in one terminal
    python3 examples/login.py --data DATA          # in another

Reads DATA/credentials.json (written by the tenant on its first start: the tenant URL, a
demo application and the demo user), asks POST /oauth/token for tokens with the password grant,
which runs the tenant's post-login flow, and prints the access and ID tokens' claims: the claims
your post-login actions set are there. Standard library only, so any python3 runs it.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="the tenant's data folder (the --data of `tenant serve`)")
    parser.add_argument("--username", help="default: the demo user of credentials.json")
    parser.add_argument("--password", help="default: the demo user's password")
    args = parser.parse_args()
    creds = json.loads((args.data / "credentials.json").read_text(encoding="utf-8"))
    body = {
        "grant_type": "password",
        "username": args.username or creds["demo_user"]["email"],
        "password": args.password or creds["demo_user"]["password"],
        "client_id": creds["application"]["client_id"],
        "client_secret": creds["application"]["client_secret"],
        "audience": creds["api"]["identifier"],
        "scope": "openid profile email",
    }
    request = urllib.request.Request(creds["base_url"] + "/oauth/token", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            tokens = json.load(answer)
    except urllib.error.HTTPError as exc:
        # a deny from a post-login action arrives here as the OAuth error and its description
        print(f"login refused ({exc.code}): {exc.read().decode(errors='replace')}", file=sys.stderr)
        return 1
    except urllib.error.URLError as exc:
        print(f"no tenant answers at {creds['base_url']} ({exc.reason}): is `tenant serve` running?",
              file=sys.stderr)
        return 1
    print("access token:", json.dumps(claims(tokens["access_token"]), indent=2))
    if "id_token" in tokens:
        print("ID token:", json.dumps(claims(tokens["id_token"]), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
