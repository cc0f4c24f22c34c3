#!/usr/bin/env python3
"""Edit the neonpanel-mcp secret in AWS Secrets Manager.

  python3 scripts/secret.py setup               # store the NeonPanel IAT and an access code
  python3 scripts/secret.py set-iat             # replace the IAT (rotation)
  python3 scripts/secret.py add-access-code     # allow one more access code
  python3 scripts/secret.py rotate-signing-key  # new signing key; the old one stays valid

Values are read from the terminal without echo, or one per line from
standard input when it is not a terminal. Access codes are stored as their
SHA-256 digest. Needs Python 3 and boto3, and the AWS credentials and region
that `sam deploy` used.
"""

import argparse
import datetime
import getpass
import hashlib
import json
import os
import secrets
import string
import sys

import boto3


def main():
    parser = argparse.ArgumentParser(description="Edit the neonpanel-mcp secret.")
    parser.add_argument("command", choices=["setup", "set-iat", "add-access-code", "rotate-signing-key"])
    parser.add_argument("--stack", default="neonpanel-mcp", help="CloudFormation stack name (default: neonpanel-mcp)")
    parser.add_argument("--secret-id", help="secret name or ARN; default: the stack's SecretArn output")
    parser.add_argument("--region", help="AWS region; default: AWS_REGION, then the AWS CLI configuration")
    args = parser.parse_args()

    session = boto3.session.Session(region_name=args.region or os.environ.get("AWS_REGION"))
    secret_id = args.secret_id or stack_secret_arn(session, args.stack)
    client = session.client("secretsmanager")
    document = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])

    if args.command in ("setup", "set-iat"):
        document["neonpanel_iat"] = read_value("NeonPanel IAT: ")
    if args.command in ("setup", "add-access-code"):
        code = read_value("Access code (people type it on the consent page): ")
        if len(code) < 8:
            sys.exit("secret.py: the access code is too short; use at least 8 characters")
        digest = "sha256:" + hashlib.sha256(code.encode()).hexdigest()
        codes = document.get("access_codes") or []
        if digest not in codes:
            codes.append(digest)
        document["access_codes"] = codes
    if args.command == "rotate-signing-key":
        document["previous_signing_key"] = document["signing_key"]
        document["previous_signing_key_id"] = document["signing_key_id"]
        alphabet = string.ascii_letters + string.digits
        document["signing_key"] = "".join(secrets.choice(alphabet) for _ in range(64))
        document["signing_key_id"] = datetime.datetime.now(datetime.timezone.utc).strftime("k%Y%m%dT%H%M%SZ")

    client.put_secret_value(SecretId=secret_id, SecretString=json.dumps(document))
    print(f"secret.py: {args.command} stored in {secret_id}")


def stack_secret_arn(session, stack):
    outputs = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    for output in outputs:
        if output["OutputKey"] == "SecretArn":
            return output["OutputValue"]
    sys.exit(f"secret.py: stack {stack} has no SecretArn output; pass --secret-id")


def read_value(prompt):
    if sys.stdin.isatty():
        value = getpass.getpass(prompt)
    else:
        value = sys.stdin.readline()
    value = value.strip()
    if not value:
        sys.exit("secret.py: the value is empty; nothing was stored")
    return value


if __name__ == "__main__":
    main()
