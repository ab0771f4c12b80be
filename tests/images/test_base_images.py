"""`make base-images` pins every Dockerfile's base image to the digest its tag points at,
keeping the tag (Dependabot then moves the digest within it), and leaves the rest alone.

The real thing asks Docker Hub and ECR Public, which this machine cannot reach; a
stand-in registry answers instead, speaking the registry protocol the way those two do
(an anonymous bearer-token challenge, then the manifest with its Docker-Content-Digest).
The project's own Dockerfiles are copied with their registry swapped for the stand-in's
(and any pin dropped).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.environments import REPO_ROOT
from tests.support.servers import LOOPBACK, free_port

DOCKERFILES = sorted(REPO_ROOT.glob("src/*/Dockerfile"))
FROM_LINE = re.compile(r"^FROM\s+(?P<image>\S+)", re.MULTILINE)
TOKEN = "anonymous-pull-token"
DIGEST_PIN = re.compile(r"@sha256:[0-9a-f]{64}$")


def index_for(repository: str, tag: str) -> bytes:
    """An OCI image index, different per repository and tag (so each pin is told apart)."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [],
            "annotations": {"org.opencontainers.image.ref.name": f"{repository}:{tag}"},
        }
    ).encode()


def digest_of(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


class StandInRegistry(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.answer(with_body=True)

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def answer(self, *, with_body: bool) -> None:
        url = urlsplit(self.path)
        if url.path == "/token":
            scope = parse_qs(url.query).get("scope", [""])[0]
            if not re.fullmatch(r"repository:[a-z0-9/._-]+:pull", scope):
                self.reply(400, b"{}", "application/json", with_body=with_body)
                return
            self.reply(200, json.dumps({"token": TOKEN}).encode(), "application/json", with_body)
            return
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.challenge()
            return
        manifest = re.fullmatch(r"/v2/(?P<repository>.+)/manifests/(?P<tag>[^/]+)", url.path)
        if url.path == "/v2/":
            self.reply(200, b"{}", "application/json", with_body)
        elif manifest:
            content = index_for(manifest["repository"], manifest["tag"])
            self.reply(200, content, "application/vnd.oci.image.index.v1+json", with_body)
        else:
            self.reply(404, b"{}", "application/json", with_body)

    def challenge(self) -> None:
        host = self.headers["Host"]
        self.send_response(401)
        self.send_header(
            "WWW-Authenticate", f'Bearer realm="http://{host}/token",service="stand-in"'
        )
        self.send_header("Content-Length", "0")
        self.end_headers()

    def reply(self, status: int, content: bytes, media_type: str, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(content)))
        if status == 200:
            self.send_header("Docker-Content-Digest", digest_of(content))
        self.end_headers()
        if with_body:
            self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows the assertions, not the access log."""


@pytest.fixture(scope="module")
def registry() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer((LOOPBACK, free_port()), StandInRegistry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"localhost:{server.server_address[1]}"
    finally:
        server.shutdown()


def repository_path(image: str) -> tuple[str, str]:
    """(repository, tag) of a FROM image without a registry host: Docker Hub's official
    images live under library/."""
    name, _, tag = image.partition(":")
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first):
        name = rest
    elif not rest:
        name = f"library/{name}"
    return name, tag


def make_base_images(dockerfiles: list[Path]) -> None:
    names = " ".join(map(str, dockerfiles))
    subprocess.run(
        ["make", "-s", "base-images", f"DOCKERFILES={names}"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )


def test_every_base_image_is_pinned_to_its_tags_digest(registry: str, tmp_path: Path) -> None:
    copies, expected = [], {}
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text()
        images = FROM_LINE.findall(text)
        assert images, f"{dockerfile} has no FROM"
        for image in images:
            # Once pinned, the copy is unpinned again: the pin is what is under test.
            repository, tag = repository_path(image.partition("@")[0])
            local = f"{registry}/{repository}:{tag}"
            text = text.replace(f"FROM {image}", f"FROM {local}")
            expected[local] = digest_of(index_for(repository, tag))
        copy = tmp_path / dockerfile.parent.name / "Dockerfile"
        copy.parent.mkdir()
        copy.write_text(text)
        copies.append(copy)

    before = {copy: copy.read_text() for copy in copies}
    make_base_images(copies)

    for copy in copies:
        pinned = FROM_LINE.findall(copy.read_text())
        assert pinned == [f"{image}@{expected[image]}" for image in FROM_LINE.findall(before[copy])]
        assert all(DIGEST_PIN.search(image) for image in pinned)
        # Only the FROM lines moved.
        assert FROM_LINE.sub("", copy.read_text()) == FROM_LINE.sub("", before[copy])

    # Pinned images are left as they are: moving a digest is Dependabot's pull request.
    after = {copy: copy.read_text() for copy in copies}
    make_base_images(copies)
    assert {copy: copy.read_text() for copy in copies} == after


def test_the_makefile_pins_every_dockerfile_of_the_project() -> None:
    listed = subprocess.run(
        ["make", "-s", "--eval=print-dockerfiles: ; @echo $(DOCKERFILES)", "print-dockerfiles"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    tracked = subprocess.run(
        ["git", "ls-files", "*Dockerfile*"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(listed) == sorted(tracked) == [str(p.relative_to(REPO_ROOT)) for p in DOCKERFILES]
