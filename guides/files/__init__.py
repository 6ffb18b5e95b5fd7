"""Guide files (docs/format.md): reading and checking them (documents, validation), loading
them into the database (rows, loading, importer, report), and writing them (exporter).
"""
