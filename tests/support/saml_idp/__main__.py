"""Run the test IdP by hand: see the README's "Single sign-on for staff (SAML)"."""
from __future__ import annotations

import argparse
import warnings

# pysaml2 names cipher modes cryptography has since moved; the notice says nothing to the user.
warnings.filterwarnings("ignore", message="CFB has been moved")

from tests.support.saml_idp import USERS, SamlIdP  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="A SAML identity provider for trying single sign-on locally.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5211)
    parser.add_argument("--sp-metadata", required=True, help="the portal's metadata address")
    args = parser.parse_args()
    idp = SamlIdP(f"http://{args.host}:{args.port}", sp_metadata_url=args.sp_metadata)
    print(f"IdP metadata: http://{args.host}:{args.port}/metadata")
    for name, (password, attrs) in USERS.items():
        print(f"  user {name} / {password}: {attrs.get('eduPersonPrincipalName', attrs.get('mail'))}")
    from werkzeug.serving import run_simple

    run_simple(args.host, args.port, idp, threaded=True)


if __name__ == "__main__":
    main()
