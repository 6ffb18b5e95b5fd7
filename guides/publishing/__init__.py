"""Four eyes on what visitors read: drafts, reviews, publishing and rolling back revisions of
guides (revisions, review) and of shared channels (channels), the last gate of the phone
guard (audit), a channel's reach, verification by Publishers, history and undo.
"""
