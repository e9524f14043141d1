"""Packaging for segnet-chromosome, driven by settings.ini (the nbdev 2 convention).

Install (see README.md):
  pip install -e ".[tf]"            # TensorFlow with GPU support where CUDA is present (Colab)
  pip install -e ".[tf-cpu]"        # TensorFlow CPU-only build, smaller, for machines without a GPU
  pip install -e ".[tf-cpu,dev]"    # plus the test tools
"""
from configparser import ConfigParser
import setuptools
from packaging.version import Version

assert Version(setuptools.__version__) >= Version("36.2"), "please upgrade setuptools"

config = ConfigParser(delimiters=["="])
config.read("settings.ini", encoding="utf-8")
cfg = config["DEFAULT"]

licenses = {"apache2": ("Apache Software License 2.0", "OSI Approved :: Apache Software License")}
statuses = ["1 - Planning", "2 - Pre-Alpha", "3 - Alpha", "4 - Beta", "5 - Production/Stable", "6 - Mature", "7 - Inactive"]
py_versions = "3.10 3.11 3.12 3.13".split()
min_python = cfg["min_python"]
lic = licenses[cfg["license"]]

requirements = cfg.get("requirements", "").split()
dev_requirements = cfg.get("dev_requirements", "").split()
extras = {
    # Keras 3 runs on either backend; pick the one that fits the machine.
    "tf": ["tensorflow>=2.16"],
    "tf-cpu": ["tensorflow-cpu>=2.16"],
    "jax": ["jax>=0.4.30"],
    "dev": dev_requirements,
}

setuptools.setup(
    name=cfg["repo"],
    # Two licences: the code is Apache-2.0; the shipped weights trained on the GPL-3.0 metaphases are GPL-3.0 (settings.ini
    # weights_license; their card and segnet_chromosome/weights/LICENSE-weights-GPL-3.0 say so too).
    license=f"{lic[0]} (code); {cfg['weights_license']}",
    classifiers=[
        "Development Status :: " + statuses[int(cfg["status"])],
        "Intended Audience :: " + cfg["audience"].title(),
        "License :: " + lic[1],
        "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
        "Natural Language :: " + cfg["language"].title(),
        "Topic :: Scientific/Engineering :: Image Recognition",
    ] + ["Programming Language :: Python :: " + o for o in py_versions[py_versions.index(min_python):]],
    url=cfg["git_url"],
    packages=setuptools.find_packages(include=[cfg["lib_name"], cfg["lib_name"] + ".*"]),
    include_package_data=True,
    install_requires=requirements,
    extras_require=extras,
    python_requires=">=" + min_python,
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    zip_safe=False,
    entry_points={
        "console_scripts": cfg.get("console_scripts", "").split(),
        "nbdev": [f'{cfg.get("lib_path")}={cfg.get("lib_path")}._modidx:d'],
    },
    version=cfg["version"],
    author=cfg["author"],
    author_email=cfg["author_email"],
    description=cfg["description"],
    keywords=cfg["keywords"],
)
