"""The letters for other programs: an MCP server's tools, references in the formats reference
managers read (CSL-JSON, BibTeX) and a TEI P5 export of the parsed edition.

Each module uses only the project's public types and services: ``edition`` (what the front
matter says of each printed volume), ``references``, ``tei``, ``mcp_tools`` (the tools) and
``mcp_server`` (their registration on the window, and the credentials check).
"""
