"""terse_build - the PEP 517 build backend of the terse Python package.

It uses only the standard library, so `pip install ./bindings/python` works
offline in a fresh virtual environment (pip and setuptools there, but no
`wheel` package and no package index). The wheel is written with zipfile.

Which libterse the package uses, decided at build time:
  1. TERSE_LIBRARY=/path/to/libterse.so.0 in the environment: that file is
     copied into the package;
  2. an installed libterse that pkg-config knows (`pkg-config terse`; set
     PKG_CONFIG_PATH for a prefix of your own): the package records its
     library directory and loads it from there (nothing copied);
  3. else, inside the terse repository: `make lib` there, and the built
     build/libterse.so is copied into the package.
At run time the TERSE_LIBRARY variable overrides all of these.
"""

import base64
import hashlib
import io
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

NAME = "terse"
VERSION = "0.1.0"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bindings/python
REPO = os.path.dirname(os.path.dirname(HERE))

METADATA = """Metadata-Version: 2.1
Name: {name}
Version: {version}
Summary: Semantic compression of LLM inputs (ctypes binding of libterse)
Requires-Python: >=3.8

terse compresses what an application sends to a language model: fewer tokens,
the same facts. This package loads libterse through ctypes.
"""


def _tag():
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-" + plat


def _dist_info():
    return "%s-%s.dist-info" % (NAME, VERSION)


def _pkg_config_libdir():
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "terse"], capture_output=True,
                             text=True, check=False)
    except OSError:
        return None
    d = out.stdout.strip()
    if out.returncode == 0 and d and os.path.exists(os.path.join(d, "libterse.so.0")):
        return d
    return None


def _library():
    """Returns (path to copy into the package or None, libdir to record or None)."""
    env = os.environ.get("TERSE_LIBRARY")
    if env:
        if not os.path.exists(env):
            raise RuntimeError("terse_build: TERSE_LIBRARY=%s does not exist" % env)
        return env, None
    libdir = _pkg_config_libdir()
    if libdir:
        return None, libdir
    if os.path.exists(os.path.join(REPO, "include", "terse.h")) and \
            os.path.exists(os.path.join(REPO, "Makefile")):
        subprocess.run(["make", "-s", "-C", REPO, "lib"], check=True, stdout=sys.stderr)
        return os.path.join(REPO, "build", "libterse.so"), None
    raise RuntimeError("terse_build: no libterse found: install it (make install; pkg-config terse "
                       "must find it), build inside the terse repository, or set TERSE_LIBRARY")


def _files():
    """The package's files: a list of (archive name, bytes)."""
    out = []
    lib, libdir = _library()
    src = os.path.join(HERE, NAME)
    for fn in sorted(os.listdir(src)):
        if fn.endswith(".py") and fn != "_config.py":
            with open(os.path.join(src, fn), "rb") as f:
                out.append(("%s/%s" % (NAME, fn), f.read()))
    if lib:
        with open(lib, "rb") as f:
            out.append(("%s/libterse.so.0" % NAME, f.read()))
    config = "LIBDIR = %r\n" % (libdir,)
    out.append(("%s/_config.py" % NAME,
                ("# written by terse_build: where the installed libterse is\n" + config).encode()))
    return out


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def _write_wheel(wheel_directory):
    tag = _tag()
    whl = "%s-%s-%s.whl" % (NAME, VERSION, tag)
    di = _dist_info()
    files = _files()
    files.append((di + "/METADATA", METADATA.format(name=NAME, version=VERSION).encode()))
    files.append((di + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: terse_build\n"
                                  "Root-Is-Purelib: false\nTag: %s\n" % tag).encode()))
    files.append((di + "/top_level.txt", (NAME + "\n").encode()))
    record = "\n".join(_record_line(n, d) for n, d in files) + "\n%s/RECORD,,\n" % di
    files.append((di + "/RECORD", record.encode()))
    path = os.path.join(wheel_directory, whl)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files:
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if n.endswith(".so.0") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, d)
    return whl


# ---- PEP 517 hooks ----------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    di = os.path.join(metadata_directory, _dist_info())
    os.makedirs(di, exist_ok=True)
    with open(os.path.join(di, "METADATA"), "w") as f:
        f.write(METADATA.format(name=NAME, version=VERSION))
    return _dist_info()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory)


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, VERSION)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in ["pyproject.toml", "README.md", "_build/terse_build.py"] + \
                ["terse/" + f for f in sorted(os.listdir(os.path.join(HERE, "terse")))
                 if f.endswith(".py") and f != "_config.py"]:
            p = os.path.join(HERE, rel)
            if os.path.exists(p):
                t.add(p, arcname=base + "/" + rel)
        pkg = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (NAME, VERSION)).encode()
        info = tarfile.TarInfo(base + "/PKG-INFO")
        info.size = len(pkg)
        t.addfile(info, io.BytesIO(pkg))
    return name


