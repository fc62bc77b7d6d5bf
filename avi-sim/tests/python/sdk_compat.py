#!/usr/bin/env python3
"""Drives a standalone avi-sim with the official Avi Python SDK (avisdk,
avi.sdk.avi_api.ApiSession) and checks every answer the SDK relies on.

Run by avi-sim/tests/sdk_compat.rs against the `avi-sim` binary; also usable by hand:

    .venv/bin/python avi-sim/tests/python/sdk_compat.py --host 127.0.0.1 --port 9443 \
        --scheme https --username admin --password password --controller-version 30.2.1

Prints each step; exits 1 with a message naming the first mismatch.
"""

import argparse
import base64
import json
import logging
import os
import sys
import traceback
import warnings
from datetime import datetime, timedelta

# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override Session.verify=False on
# every call that does not pass `verify` itself (all ApiSession calls but /login), so
# the SDK could not talk to the generated self-signed certificate with them set.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)
warnings.filterwarnings("ignore")

import requests  # noqa: E402
from avi.sdk import avi_api  # noqa: E402
from avi.sdk.avi_api import (  # noqa: E402
    APIError,
    ApiSession,
    AviServerError,
    ObjectNotFound,
)

CREATED_BY = "sdk-compat"
PAGED = 250


class Mismatch(Exception):
    pass


STEP = ["start"]


def step(text):
    STEP[0] = text
    print(f"--> {text}", flush=True)


def check(cond, what, got=None):
    if not cond:
        raise Mismatch(f"{what} (got {got!r})" if got is not None else what)


def status(resp, code, what):
    check(
        resp.status_code == code,
        f"{what}: expected HTTP {code}, got {resp.status_code}: {resp.text[:300]}",
    )
    return resp


def error_text(resp):
    """The JSON body of an error answer (ApiResponse.json() raises on errors)."""
    return json.loads(resp.text)


class Sim:
    """Plain HTTP access next to the SDK: /sim/* and raw requests with given cookies."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.http = requests.Session()
        self.http.verify = False
        self.http.trust_env = False

    def clear_log(self):
        status(self.http.post(self.prefix + "/sim/log/clear"), 204, "clear /sim/log")

    def log(self):
        r = status(self.http.get(self.prefix + "/sim/log"), 200, "GET /sim/log")
        return [(e["method"], e["path"], e["status"]) for e in r.json()["entries"]]

    def raw(self, method, path, session_id, csrf, **kw):
        cookies = {"sessionid": session_id, "avi-sessionid": session_id}
        headers = {"Referer": self.prefix}
        if csrf:
            cookies["csrftoken"] = csrf
            headers["X-CSRFToken"] = csrf
        return self.http.request(
            method, self.prefix + path, cookies=cookies, headers=headers, **kw
        )


def session(args, tenant="admin", password=None):
    controller = args.host if args.scheme == "https" else f"http://{args.host}"
    return ApiSession.get_session(
        controller,
        args.username,
        password if password is not None else args.password,
        tenant=tenant,
        port=args.port,
        verify=False,
    )


def server(addr):
    return {"ip": {"addr": addr, "type": "V4"}, "port": 8080}


def login(args, sim):
    step("login: bad password is refused with 401 'Invalid credentials'")
    try:
        session(args, password="wrong-" + args.password)
        raise Mismatch("login with a wrong password succeeded")
    except APIError as e:
        check(e.rsp is not None and e.rsp.status_code == 401, "status 401", e.rsp)
        check("Invalid credentials" in e.rsp.text, "401 text", e.rsp.text)

    step("login: form-encoded POST /login, cookies, version, session_cookie_name")
    api = session(args)
    check(api.prefix == sim.prefix, "SDK prefix", api.prefix)
    ver = api.remote_api_version
    check(ver.get("Version") == args.controller_version, "version.Version", ver)
    for k in ("build", "Tag", "ProductName", "min_version"):
        check(k in ver, f"login version has {k}", ver)
    ctx = api.get_context()
    check(ctx.get("csrftoken") and ctx.get("session_id"), "csrftoken + session id", ctx)
    jar = {c.name: c.value for c in api.cookies}
    check(jar.get("avi-sessionid") == ctx["session_id"], "avi-sessionid cookie", jar)
    check(jar.get("sessionid") == ctx["session_id"], "sessionid cookie", jar)
    check(jar.get("csrftoken") == ctx["csrftoken"], "csrftoken cookie", jar)

    step("X-Avi-Version: the SDK sends the login response's version.Version")
    api.api_version = ver["Version"]
    r = status(api.get("cluster"), 200, "GET /api/cluster")
    check(
        r.headers.get("AVI_API_VERSION") == ver["Version"],
        "AVI_API_VERSION answer header",
        dict(r.headers),
    )
    r = status(api.get("initial-data"), 200, "GET /api/initial-data")
    check(r.json()["version"]["Version"] == ver["Version"], "initial-data", r.json())
    r = status(api.get("cluster", api_version="20.1.1"), 200, "GET as 20.1.1")
    check(r.headers.get("AVI_API_VERSION") == "20.1.1", "echoed version", dict(r.headers))
    for bad in ("99.1.1", "17.1.1"):  # above the controller, below its min_version
        try:
            api.get_object_by_name("pool", "x", api_version=bad)
            raise Mismatch(f"get_object_by_name with X-Avi-Version {bad} did not raise")
        except AviServerError as e:
            check("Invalid version" in str(e.args[0]), "Invalid version text", e.args[0])
    return api


def create_chain(api, sim):
    step("create pool -> poolgroup -> vsvip -> virtualservice with name refs")
    p = status(
        api.post(
            "pool",
            data={
                "name": "sdk-pool",
                "servers": [server("10.1.1.1")],
                "health_monitor_refs": ["/api/healthmonitor?name=System-HTTP"],
                "cloud_ref": "/api/cloud?name=Default-Cloud",
                "created_by": CREATED_BY,
            },
            force_uuid="pool-sdk-compat-1",
        ),
        201,
        "POST pool",
    ).json()
    check(p["uuid"] == "pool-sdk-compat-1", "Slug (force_uuid) sets the uuid", p["uuid"])
    check(p["url"] == f"{sim.prefix}/api/pool/{p['uuid']}#sdk-pool", "pool url", p["url"])
    check(
        p["health_monitor_refs"][0].startswith(sim.prefix + "/api/healthmonitor/")
        and p["health_monitor_refs"][0].endswith("#System-HTTP"),
        "name ref returned as URL#name",
        p["health_monitor_refs"],
    )
    check(p.get("_last_modified", "").isdigit(), "_last_modified", p.get("_last_modified"))
    pg = status(
        api.post(
            "poolgroup",
            data={"name": "sdk-pg", "members": [{"pool_ref": "/api/pool?name=sdk-pool"}]},
        ),
        201,
        "POST poolgroup",
    ).json()
    check(
        pg["members"][0]["pool_ref"] == f"{sim.prefix}/api/pool/{p['uuid']}#sdk-pool",
        "poolgroup member ref",
        pg["members"],
    )
    vip = status(
        api.post(
            "vsvip",
            data={
                "name": "sdk-vsvip",
                "vip": [{"auto_allocate_ip": True}],
                "dns_info": [{"fqdn": "sdk.example.com"}],
            },
        ),
        201,
        "POST vsvip",
    ).json()
    addr = vip["vip"][0].get("ip_address", {}).get("addr", "")
    check(addr.startswith("10.10.10."), "VIP allocated from the IPAM network", vip["vip"])
    vs = status(
        api.post(
            "virtualservice",
            data={
                "name": "sdk-vs",
                "vsvip_ref": "/api/vsvip/?name=sdk-vsvip",
                "pool_group_ref": "/api/poolgroup?name=sdk-pg",
                "application_profile_ref": "/api/applicationprofile?name=System-HTTP",
                "services": [{"port": 80}, {"port": 443, "enable_ssl": True}],
            },
        ),
        201,
        "POST virtualservice",
    ).json()
    check(vs["vsvip_ref"].endswith(f"/api/vsvip/{vip['uuid']}#sdk-vsvip"), "vsvip_ref", vs)
    r = status(
        api.post("pool", data={"name": "sdk-pool", "servers": [server("10.1.1.9")]}),
        409,
        "POST duplicate pool name",
    )
    check("already exists" in error_text(r)["error"], "409 text", r.text)
    r = status(
        api.post("poolgroup", data={"name": "pg-x", "members": [{"pool_ref": "/api/pool?name=nope"}]}),
        400,
        "POST poolgroup with an unknown pool",
    )
    check("Pool object not found!" in error_text(r)["error"], "400 text", r.text)
    return p, pg, vip, vs


def read_back(api, sim, p, pg, vip, vs):
    step("read back: get_object_by_name, refs without #name, get with params")
    got = api.get_object_by_name("virtualservice", "sdk-vs")
    check(got is not None and got["uuid"] == vs["uuid"], "VS by name", got)
    check(got["pool_group_ref"] == f"{sim.prefix}/api/poolgroup/{pg['uuid']}", "plain ref", got)
    check(api.get_obj_uuid(got) == vs["uuid"], "get_obj_uuid", got)
    check(api.get_object_by_name("pool", "no-such-pool") is None, "missing name -> None")
    r = status(api.get("pool", params={"name": "sdk-pool", "include_name": "true"}), 200, "list")
    body = r.json()
    check(body["count"] == 1 and "next" not in body, "one-page list", body)
    check(body["results"][0]["vrf_ref"].endswith("#global"), "include_name", body["results"][0])
    r = status(api.get("pool/" + p["uuid"], params={"fields": "name,lb_algorithm"}), 200, "fields")
    check(set(r.json()) <= {"url", "uuid", "name", "lb_algorithm"}, "fields= trims", r.json())
    r = status(api.get("poolgroup", params={"refers_to": "pool:" + p["uuid"]}), 200, "refers_to")
    check([o["name"] for o in r.json()["results"]] == ["sdk-pg"], "refers_to", r.json())
    r = status(api.get("pool", params={"referred_by": "poolgroup:" + pg["uuid"]}), 200, "referred_by")
    check([o["name"] for o in r.json()["results"]] == ["sdk-pool"], "referred_by", r.json())
    r = status(api.get("pool/", params={"created_by": CREATED_BY}), 200, "trailing slash")
    check(r.json()["count"] == 1, "created_by filter", r.json())
    r = status(api.get("vsvip/" + vip["uuid"]), 200, "GET vsvip by uuid")
    check(r.json()["dns_info"][0]["fqdn"] == "sdk.example.com", "vsvip dns_info", r.json())
    full = status(api.get("pool/" + p["uuid"]), 200, "GET pool").json()
    check("graceful_hm_down_disable_timeout" in full, "30.2.1 field at 30.2.1", full)
    old = status(api.get("pool/" + p["uuid"], api_version="22.1.3"), 200, "GET as 22.1.3")
    check("graceful_hm_down_disable_timeout" not in old.json(), "30.2.1 field hidden", old.json())
    r = api.get("pool/pool-does-not-exist")
    status(r, 404, "GET unknown uuid")
    try:
        r.json()
        raise Mismatch("ApiResponse.json() of a 404 did not raise ObjectNotFound")
    except ObjectNotFound:
        pass


def patch(api, p, vip):
    step("PATCH add / replace / delete; PUT with a stale _last_modified is 412")
    path = "pool/" + p["uuid"]
    before = status(api.get(path), 200, "GET pool").json()
    r = status(api.patch(path, data={"add": {"servers": [server("10.1.1.2")]}}), 200, "add")
    after = r.json()
    addrs = [s["ip"]["addr"] for s in after["servers"]]
    check(addrs == ["10.1.1.1", "10.1.1.2"], "PATCH add appends", addrs)
    check(int(after["_last_modified"]) > int(before["_last_modified"]), "_last_modified", after)
    r = status(
        api.patch(path, data={"replace": {"lb_algorithm": "LB_ALGORITHM_ROUND_ROBIN"}}),
        200,
        "replace",
    )
    check(r.json()["lb_algorithm"] == "LB_ALGORITHM_ROUND_ROBIN", "PATCH replace", r.json())
    first = after["servers"][0]
    r = status(api.patch(path, data={"delete": {"servers": [first]}}), 200, "delete")
    addrs = [s["ip"]["addr"] for s in r.json()["servers"]]
    check(addrs == ["10.1.1.2"], "PATCH delete removes the item", addrs)
    r = status(api.patch(path, data={"merge": {}}), 400, "PATCH with an unknown op")
    vpath = "vsvip/" + vip["uuid"]
    r = status(
        api.patch(vpath, data={"add": {"dns_info": [{"fqdn": "two.example.com"}]}}), 200, "add fqdn"
    )
    check(len(r.json()["dns_info"]) == 2, "dns_info added", r.json()["dns_info"])
    r = status(
        api.patch(vpath, data={"delete": {"dns_info": [{"fqdn": "sdk.example.com"}]}}),
        200,
        "delete fqdn by key",
    )
    fq = [d["fqdn"] for d in r.json()["dns_info"]]
    check(fq == ["two.example.com"], "dns_info deleted by fqdn", fq)
    check(r.json()["vip"][0]["ip_address"] == vip["vip"][0]["ip_address"], "VIP kept", r.json())
    current = status(api.get(path), 200, "GET pool").json()
    stale = dict(before, name="sdk-pool")
    r = status(api.put(path, data=stale), 412, "PUT with a stale _last_modified")
    check("Need to reload object data" in error_text(r)["error"], "412 text", r.text)
    current["description"] = "updated by PUT"
    r = status(api.put(path, data=current), 200, "PUT with the current _last_modified")
    check(r.json()["description"] == "updated by PUT", "PUT applied", r.json())
    r = status(api.put_by_name("pool", "sdk-pool", data=dict(r.json(), description="by name")), 200, "put_by_name")
    check(r.json()["description"] == "by name", "put_by_name applied", r.json())


def deletes(api, p, pg, vip, vs):
    step("refused delete of a referenced pool: 403 'Cannot delete, object is referred by'")
    r = status(api.delete("pool/" + p["uuid"]), 403, "DELETE referenced pool")
    body = error_text(r)
    check(
        body.get("error") == "Cannot delete, object is referred by: ['PoolGroup sdk-pg']",
        "403 text",
        body,
    )
    check(body.get("obj_name") == "sdk-pool", "403 obj_name", body)
    try:
        r.json()
        raise Mismatch("ApiResponse.json() of a 403 did not raise APIError")
    except APIError as e:
        check("403" in str(e.args[0]), "APIError names 403", e.args[0])
    r = status(api.delete_by_name("pool", "sdk-pool"), 403, "delete_by_name referenced pool")
    r = status(api.delete("vsvip/" + vip["uuid"]), 403, "DELETE referenced vsvip")
    check("VirtualService sdk-vs" in error_text(r)["error"], "vsvip 403 text", r.text)

    step("ordered deletes: virtualservice, vsvip, poolgroup, pool")
    status(api.delete_by_name("virtualservice", "sdk-vs"), 204, "DELETE vs")
    status(api.delete("vsvip/" + vip["uuid"]), 204, "DELETE vsvip")
    status(api.delete_by_name("poolgroup", "sdk-pg"), 204, "DELETE poolgroup")
    status(api.delete("pool/" + p["uuid"]), 204, "DELETE pool")
    for ty, name in [
        ("virtualservice", "sdk-vs"),
        ("vsvip", "sdk-vsvip"),
        ("poolgroup", "sdk-pg"),
        ("pool", "sdk-pool"),
    ]:
        check(api.get_object_by_name(ty, name) is None, f"{ty} {name} is gone")
    status(api.delete("pool/" + p["uuid"]), 404, "DELETE an already deleted pool")
    try:
        api.delete_by_name("pool", "sdk-pool")
        raise Mismatch("delete_by_name of a missing pool did not raise")
    except ObjectNotFound:
        pass


def pagination(api, sim):
    step(f"pagination: {PAGED} pools through get_objects_iter and paged gets")
    names = [f"page-{i:03d}" for i in range(PAGED)]
    for n in names:
        status(
            api.post("pool", data={"name": n, "created_by": CREATED_BY + "-paged"}),
            201,
            f"POST pool {n}",
        )
    params = {"created_by": CREATED_BY + "-paged"}
    got = [o["name"] for o in api.get_objects_iter("pool", params=dict(params))]
    check(got == names, "get_objects_iter (page_size 100) yields all, in creation order", got[:5])
    got = [
        o["name"]
        for o in api.get_objects_iter("pool", params=dict(params, page_size=200, fields="name"))
    ]
    check(got == names, "get_objects_iter with page_size 200", len(got))
    seen = []
    page = 1
    while True:
        body = status(
            api.get("pool", params=dict(params, page_size=100, page=page)), 200, f"page {page}"
        ).json()
        check(body["count"] == PAGED, "count is the total, not the page size", body["count"])
        seen += [o["name"] for o in body["results"]]
        if page > 1:
            check("page=%d" % (page - 1) in body.get("previous", ""), "previous link", body)
        if "next" not in body:
            break
        check("/api/pool?" in body["next"] and f"page={page + 1}" in body["next"], "next", body)
        page += 1
    check(page == 3 and seen == names, "3 pages of 100, 100, 50", (page, len(seen)))
    try:
        list(api.get_objects_iter("pool", params={"page_size": 201}))
        raise Mismatch("the SDK accepted page_size 201")
    except ValueError:
        pass
    status(api.get("pool", params={"page_size": 201}), 400, "page_size 201 on the server")
    for n in names:
        status(api.delete_by_name("pool", n), 204, f"DELETE pool {n}")
    body = status(api.get("pool", params=params), 200, "list after deletes").json()
    check(body["count"] == 0, "all paged pools deleted", body["count"])


def tenants(api, args):
    step("tenants: X-Avi-Tenant / X-Avi-Tenant-UUID scope objects; unknown tenant 403")
    t = status(api.post("tenant", data={"name": "sdk-tenant"}), 201, "POST tenant").json()
    r = status(
        api.post("pool", data={"name": "tenant-pool"}, tenant="sdk-tenant"), 201, "POST in tenant"
    )
    tp = r.json()
    check(tp["tenant_ref"].split("#")[0].endswith("/api/tenant/" + t["uuid"]), "tenant_ref", tp)
    status(api.post("pool", data={"name": "tenant-pool"}), 201, "same name in admin")
    in_t = api.get_object_by_name("pool", "tenant-pool", tenant="sdk-tenant")
    check(in_t is not None and in_t["uuid"] == tp["uuid"], "by name in the tenant", in_t)
    in_admin = api.get_object_by_name("pool", "tenant-pool")
    check(in_admin is not None and in_admin["uuid"] != tp["uuid"], "admin sees its own", in_admin)
    r = status(api.get("pool/" + tp["uuid"]), 404, "tenant object invisible from admin")
    r = status(
        api.get("pool", tenant_uuid=t["uuid"], params={"name": "tenant-pool"}), 200, "by tenant uuid"
    )
    check([o["uuid"] for o in r.json()["results"]] == [tp["uuid"]], "X-Avi-Tenant-UUID", r.json())
    tapi = session(args, tenant="sdk-tenant")
    tapi.api_version = args.controller_version
    got = tapi.get_object_by_name("pool", "tenant-pool")
    check(got is not None and got["uuid"] == tp["uuid"], "session opened in the tenant", got)
    r = status(api.get("pool", tenant="no-such-tenant"), 403, "unknown tenant")
    check(error_text(r)["error"] == "Tenant 'no-such-tenant' does not exist!", "403 text", r.text)
    status(tapi.delete("pool/" + tp["uuid"]), 204, "DELETE pool in tenant")
    status(tapi.post("logout"), 200, "logout of the tenant session")
    tapi.delete_session()
    status(api.delete_by_name("pool", "tenant-pool"), 204, "DELETE admin pool")
    status(api.delete("tenant/" + t["uuid"]), 204, "DELETE tenant")


def session_recovery(api, sim):
    step("CSRF: a wrong X-CSRFToken gets 401 'CSRF token missing or incorrect.'; SDK re-logs in")
    ctx = api.get_context()
    r = sim.raw("POST", "/api/pool", ctx["session_id"], "wrong-csrf", json={"name": "x"})
    status(r, 401, "raw write with a wrong CSRF token")
    check(error_text(r)["error"] == "CSRF token missing or incorrect.", "CSRF text", r.text)
    r = sim.raw("POST", "/api/pool", ctx["session_id"], None, json={"name": "x"})
    status(r, 401, "raw write without a CSRF token")
    sim.clear_log()
    api.keystone_token = "wrong-csrf"  # the SDK's cached token for this session
    status(api.post("pool", data={"name": "after-csrf"}), 201, "POST after CSRF re-login")
    log = sim.log()
    check(
        log == [("POST", "/api/pool", 401), ("POST", "/login", 200), ("POST", "/api/pool", 201)],
        "401, re-login, retry",
        log,
    )
    check(api.get_context()["session_id"] != ctx["session_id"], "new session after re-login")

    step("session ended on the server (as on expiry): 401, SDK re-logs in and retries")
    ctx = api.get_context()
    status(sim.raw("POST", "/logout", ctx["session_id"], ctx["csrftoken"]), 200, "raw logout")
    status(sim.raw("GET", "/api/pool", ctx["session_id"], None), 401, "old session is dead")
    sim.clear_log()
    got = api.get_object_by_name("pool", "after-csrf")
    check(got is not None, "get_object_by_name after expiry", got)
    log = sim.log()
    check(
        [e[2] for e in log] == [401, 200, 200] and log[1][:2] == ("POST", "/login"),
        "401, re-login, retry",
        log,
    )
    status(api.delete_by_name("pool", "after-csrf"), 204, "DELETE after-csrf")



def other_logins(api, args, sim):
    step("API token: POST /api/user-token, then ApiSession(token=...) logs in with it")
    tok = status(api.post("user-token", data={"hours": 1}), 201, "POST user-token").json()
    check(tok.get("token") and tok.get("uuid"), "user-token answer", tok)
    listed = status(api.get("user-token"), 200, "GET user-token").json()
    check(tok["token"] in [t["token"] for t in listed["results"]], "token listed", listed)
    controller = args.host if args.scheme == "https" else f"http://{args.host}"
    tapi = ApiSession(controller, args.username, token=tok["token"], port=args.port, verify=False)
    check(tapi.remote_api_version.get("Version") == args.controller_version, "token login")
    status(tapi.get("cluster"), 200, "GET with the token session")
    status(tapi.post("logout"), 200, "logout of the token session")
    tapi.delete_session()
    status(api.delete("user-token/" + tok["uuid"]), 204, "DELETE user-token")
    try:
        ApiSession(controller, args.username, token=tok["token"], port=args.port, verify=False)
        raise Mismatch("login with a deleted token succeeded")
    except APIError as e:
        check(e.rsp is not None and e.rsp.status_code == 401, "deleted token: 401", e.rsp)

    basic = "Basic " + base64.b64encode(f"{args.username}:{args.password}".encode()).decode()
    if not args.basic_auth:
        step("basic auth is off by default: 401 without a session")
        r = sim.http.get(sim.prefix + "/api/pool", headers={"Authorization": basic})
        status(r, 401, "basic auth refused")
        return
    step("basic auth (--basic-auth): ApiSession(user_hdrs={'Authorization': 'Basic ...'})")
    bapi = ApiSession(
        controller, args.username, port=args.port, verify=False,
        user_hdrs={"Authorization": basic},
    )
    sim.clear_log()
    p = status(bapi.post("pool", data={"name": "basic-pool"}), 201, "POST with basic auth")
    got = bapi.get_object_by_name("pool", "basic-pool")
    check(got is not None and got["uuid"] == p.json()["uuid"], "GET with basic auth", got)
    status(bapi.delete("pool/" + got["uuid"]), 204, "DELETE with basic auth")
    logins = [e for e in sim.log() if e[1] == "/login"]
    check(not logins, "basic auth needs no /login", logins)
    wrong = "Basic " + base64.b64encode(f"{args.username}:nope".encode()).decode()
    r = sim.http.get(sim.prefix + "/api/pool", headers={"Authorization": wrong})
    status(r, 401, "basic auth with a wrong password")


def logout(api, args, sim):
    step("SDK idle-session cleanup posts /logout for sessions idle > 20 minutes")
    idle = session(args, tenant="idle-tenant-key")  # own cache key; admin tenant header aside
    idle_ctx = idle.get_context()
    avi_api.sessionDict[idle.key]["last_used"] = datetime.utcnow() - timedelta(minutes=21)
    sim.clear_log()
    ApiSession._clean_inactive_sessions()
    check(("POST", "/logout", 200) in sim.log(), "cleanup logged out", sim.log())
    r = sim.raw("GET", "/api/cluster", idle_ctx["session_id"], None)
    status(r, 401, "idle session ended")

    step("logout: POST /logout ends the session")
    ctx = api.get_context()
    status(api.post("logout"), 200, "POST /logout")
    r = sim.raw("GET", "/api/pool", ctx["session_id"], None)
    status(r, 401, "GET with the logged-out session")
    api.delete_session()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--scheme", choices=["http", "https"], default="https")
    ap.add_argument("--username", default="admin")
    ap.add_argument("--password", default="password")
    ap.add_argument("--controller-version", default="30.2.1")
    ap.add_argument("--basic-auth", action="store_true", help="the sim runs with --basic-auth")
    ap.add_argument("--verbose", action="store_true", help="show the SDK's own log")
    args = ap.parse_args()
    # The SDK logs the refusals this script provokes; keep them out unless asked.
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.CRITICAL)
    sim = Sim(f"{args.scheme}://{args.host}:{args.port}")
    print(f"avisdk against {sim.prefix}", flush=True)
    try:
        api = login(args, sim)
        p, pg, vip, vs = create_chain(api, sim)
        read_back(api, sim, p, pg, vip, vs)
        patch(api, p, vip)
        deletes(api, p, pg, vip, vs)
        pagination(api, sim)
        tenants(api, args)
        session_recovery(api, sim)
        other_logins(api, args, sim)
        logout(api, args, sim)
    except Mismatch as e:
        print(f"FAIL in step '{STEP[0]}': {e}", flush=True)
        return 1
    except Exception:  # an SDK exception is a mismatch too: say where
        print(f"FAIL in step '{STEP[0]}' with an exception:", flush=True)
        traceback.print_exc(file=sys.stdout)
        return 1
    print("OK: avisdk works against avi-sim", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
