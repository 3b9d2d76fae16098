"""Getting to a page as a person does: a private link first, then the pages' own links."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from tests.pages.browser.chromium import console_errors, network_requests


def _secret_parts(url: str) -> list[str]:
    """The parts of a link that may carry its token: path segments and query values."""
    parts = urlsplit(url)
    pieces = [segment for segment in parts.path.split("/") if segment]
    pieces += [value for _, value in parse_qsl(parts.query) if value]
    pieces += [parts.fragment] if parts.fragment else []
    return [piece for piece in pieces if len(piece) >= 16]


def open_via_link(driver: webdriver.Chrome, url: str) -> str:
    """Follow a private link as a person does; returns the address the browser ends on.

    The link must answer with one 303 redirect, and the page it leads to must not carry the
    token (any long path segment or query value of the link), or the token would stay in the
    history, the address bar and any screenshot."""
    network_requests(driver)  # forget what came before
    console_errors(driver)
    driver.get(url)
    final = str(driver.current_url)
    documents = [r for r in network_requests(driver) if r.kind == "Document"]
    redirects = [r.redirected_by for r in documents if r.redirected_by is not None]
    assert redirects == [303], (
        f"{url} should redirect once with 303 See Other; the browser saw redirects {redirects} "
        f"and ended on {final}"
    )
    leaked = [piece for piece in _secret_parts(url) if piece in final]
    assert not leaked, f"the page the link leads to still carries its token: {final}"
    assert final != url, f"{url} led back to itself"
    return final


def follow_link(driver: webdriver.Chrome, name: str) -> str:
    """Click the link whose visible text is `name` (exactly, ignoring case and spacing) and wait
    for the next page; returns its address."""
    wanted = " ".join(name.split()).casefold()
    links = [
        link
        for link in driver.find_elements(By.CSS_SELECTOR, "a[href]")
        if " ".join(link.text.split()).casefold() == wanted
    ]
    assert links, f"no link called {name!r} on {driver.current_url}"
    old = driver.find_element(By.TAG_NAME, "html")
    before = driver.current_url
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", links[0])
    links[0].click()
    WebDriverWait(driver, 10).until(lambda d: _gone(old) or d.current_url != before)
    return str(driver.current_url)


def _gone(element: WebElement) -> bool:
    try:
        element.is_enabled()
    except Exception:  # stale: the old document has been replaced
        return True
    return False


def same_site_links(driver: webdriver.Chrome) -> list[str]:
    """Every address on this site the current page links to, in page order, without fragments;
    for visiting each page of a site through its links, a bounded number at a time."""
    here = urlsplit(driver.current_url)
    found: list[str] = []
    for link in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
        href = str(link.get_attribute("href") or "")
        target = urlsplit(href)
        if (target.scheme, target.netloc) != (here.scheme, here.netloc):
            continue
        address = target._replace(fragment="").geturl()
        if address not in found:
            found.append(address)
    return found
