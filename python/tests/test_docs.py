"""The examples of docs/python.md, run as doctests from the repository's root folder."""

import doctest
import os


def test_python_md(repo, monkeypatch):
    monkeypatch.chdir(repo)
    failures, tried = doctest.testfile(str(repo / "docs/python.md"), module_relative=False, report=True,
                                       optionflags=doctest.ELLIPSIS)
    assert tried > 30
    assert failures == 0


def test_readme_python_quick_start(repo, monkeypatch):
    monkeypatch.chdir(repo)
    text = (repo / "README.md").read_text()
    start = text.index("```pycon", text.index("## From Python"))
    block = text[start + len("```pycon"):text.index("```", start + 1)]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, "README quick start", os.fspath(repo / "README.md"), 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 3
