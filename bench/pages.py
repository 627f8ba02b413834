"""What the load and fault scripts read off the portal's pages, as a browser would."""
import re

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TICKET_LINK = re.compile(r'href="/tickets/(\d+)"')
WHERE = re.compile(r'name="where"[^>]*value="([^"]+)"|<option value="(school:\d+)"')
NEXT_PAGE = re.compile(r'<a href="([^"]+)" rel="next"')
