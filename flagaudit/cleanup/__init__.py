"""Cleanup: rewriting the code once a flag is dead: fold its checks, delete what only it kept alive."""
