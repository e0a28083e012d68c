"""Work that both the CLI and the web pages do, with no request in it.

`media_files` (the files behind media answers and pictures), `pictures` (cleaning a staff
picture), `recordings` (a lead's own voice for a clip, always audited), `narrate` (every clip
rendered ahead of time), `demo` (the demo campaign's made-up respondents) and `links`
(addresses that leave the site).
"""
