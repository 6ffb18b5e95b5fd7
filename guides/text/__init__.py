"""Pure text, with no database: editors' Markdown rendered safely, finding and guarding phone
numbers however they are written, and registrable domains.
"""
