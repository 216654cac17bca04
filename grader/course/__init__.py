"""The course model: problems and their metadata (schema, signatures), the catalogue that loads
them, the learner's workspace, progress, and the safe reading of a learner's file.

Add a problem under problems/ and reference/; this package is what reads it.
"""
