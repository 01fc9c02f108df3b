"""Personal data (DESIGN §8): what a page, list or export shows in place of a value it may not show."""

#: what a list, a page or an export shows in place of a value the rules keep from this user
HIDDEN_TEXT = "（按规定对您不可见）"
