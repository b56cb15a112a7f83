"""Build hook: ship the top-level ``resources/`` folder inside the package.

The repository keeps stubs, templates and icons in ``resources/`` (one place to edit, shared with
packaging/). An installed wheel has no repository around it, so the build copies that folder to
``actions_studio/resources`` in the wheel; ``actions_studio.resources`` looks there first.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "resources"
        target = Path(self.build_lib) / "actions_studio" / "resources"
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithResources})
