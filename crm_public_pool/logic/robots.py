"""Group robots of WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): their incoming-webhook payloads,
signatures and answers. Plain functions: the robot model sends what they build."""

import base64
import hashlib
import hmac
import json
from urllib.parse import quote_plus

KINDS = ("wecom", "dingtalk", "feishu")


def payload(kind, text, timestamp=None, secret=None):
    """The JSON body a robot of ``kind`` posts for a plain ``text`` message.

    Feishu signs in the body (``timestamp`` in seconds); DingTalk signs in the URL (:func:`signed_url`).
    """
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": text}}
        if secret:
            body.update(timestamp=str(timestamp), sign=feishu_sign(secret, timestamp))
        return body
    if kind in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": text}}
    raise ValueError(kind)


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk: base64 of HMAC-SHA256 keyed by the secret over "timestamp\\nsecret" (milliseconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret, timestamp):
    """Feishu: base64 of HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message (seconds)."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(kind, url, secret, timestamp_ms):
    """The URL to post to: DingTalk with a secret adds ``timestamp`` and ``sign`` to the query."""
    if kind != "dingtalk" or not secret:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"


def answer_error(status, text):
    """None when the robot took the message, else what went wrong (HTTP status or the robot's error)."""
    if not 200 <= status < 300:
        return f"HTTP {status}: {text[:200]}"
    try:
        answer = json.loads(text or "{}")
    except ValueError:
        return f"not JSON: {text[:200]}"
    if not isinstance(answer, dict):
        return f"unexpected answer: {text[:200]}"
    # WeCom and DingTalk answer errcode/errmsg, Feishu code/msg (StatusCode in older versions).
    for code_key, message_key in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if answer.get(code_key) not in (None, 0):
            return f"{code_key} {answer.get(code_key)}: {answer.get(message_key, '')}"
    return None
