"Downloads against an HTTP server on 127.0.0.1 started by the test: good file, wrong checksum, dropped connection, offline."
import hashlib, http.server, threading
import pytest
from segnet_chromosome import download
from segnet_chromosome.download import fetch_file, fetch_metaphase, fetch_public_dataset, data_dir

PAYLOAD = bytes(range(256)) * 4000  # ~1 MB, big enough for a progress bar and a cut

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path == "/good.bin" or self.path == "/public.h5":
            self.send_response(200); self.send_header("Content-Length", str(len(PAYLOAD))); self.end_headers()
            self.wfile.write(PAYLOAD)
        elif self.path == "/dropped.bin":  # promises the whole file, sends half, hangs up
            self.send_response(200); self.send_header("Content-Length", str(len(PAYLOAD))); self.end_headers()
            self.wfile.write(PAYLOAD[: len(PAYLOAD) // 2]); self.wfile.flush()
            self.connection.shutdown(2); self.close_connection = True
        else:
            self.send_error(404)

@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown(); srv.server_close()

GOOD_HASH = "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()

def test_good_file_is_downloaded_and_then_served_from_cache(server, tmp_path):
    p = fetch_file(f"{server}/good.bin", "good.bin", GOOD_HASH, cache_dir=tmp_path, progress=True)
    assert p == tmp_path / "good.bin" and p.read_bytes() == PAYLOAD
    mtime = p.stat().st_mtime_ns
    assert fetch_file("http://127.0.0.1:1/unreachable", "good.bin", GOOD_HASH, cache_dir=tmp_path) == p
    assert p.stat().st_mtime_ns == mtime

def test_wrong_checksum_keeps_nothing(server, tmp_path):
    with pytest.raises(ValueError, match="does not match its checksum.*nothing was kept"):
        fetch_file(f"{server}/good.bin", "x.bin", "sha256:" + "0" * 64, cache_dir=tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []

def test_connection_dropped_halfway_leaves_no_file(server, tmp_path):
    with pytest.raises(ConnectionError, match="by hand"):
        fetch_file(f"{server}/dropped.bin", "dropped.bin", GOOD_HASH, cache_dir=tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []  # no half file under its name, no temporary left

def test_dropped_without_checksum_is_not_kept_either(server, tmp_path):
    with pytest.raises(ConnectionError):
        fetch_file(f"{server}/dropped.bin", "dropped.bin", None, cache_dir=tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []

def test_offline_message_says_where_to_put_the_file(tmp_path):
    with pytest.raises(ConnectionError) as e:
        fetch_file("http://127.0.0.1:1/DAPI.tif", "DAPI.tif", GOOD_HASH, cache_dir=tmp_path, progress=False)
    assert str(tmp_path / "DAPI.tif") in str(e.value) and GOOD_HASH.split(":")[1] in str(e.value)

def test_cache_dir_from_environment(monkeypatch, tmp_path, server):
    monkeypatch.setenv("SEGNET_CHROMOSOME_DATA", str(tmp_path / "cache"))
    assert data_dir() == tmp_path / "cache"
    p = fetch_public_dataset(url=f"{server}/public.h5", progress=False)
    assert p == tmp_path / "cache" / "public.h5" and p.read_bytes() == PAYLOAD

def test_metaphase_from_local_dir(shared_data):
    paths = fetch_metaphase(local_dir=shared_data)
    assert paths == {"dapi": shared_data / "DAPI.tif", "cy3": shared_data / "Cy3.tif"}

def test_metaphase_offline_from_cache(shared_data, tmp_path, monkeypatch):
    "A cache that already holds the verified files needs no network at all."
    for name in ("DAPI.tif", "Cy3.tif"):
        (tmp_path / name).write_bytes((shared_data / name).read_bytes())
    monkeypatch.setattr(download, "_DEEPFISH", "http://127.0.0.1:1/")
    paths = fetch_metaphase(cache_dir=tmp_path, progress=False)
    assert paths["dapi"] == tmp_path / "DAPI.tif"

def test_metaphase_with_wrong_local_file(tmp_path):
    (tmp_path / "DAPI.tif").write_bytes(b"not the image")
    with pytest.raises(ValueError, match="does not match the published checksum"):
        fetch_metaphase(local_dir=tmp_path)
