"""The compliance core: who may post, which patients may appear, who approves, and the proof.

Plain Python with no HTTP or SQL: `phigate.storage` persists these objects and the web and CLI
layers call `phigate.compliance.service`.
"""
