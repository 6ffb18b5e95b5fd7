"""The settings the type checker loads (make lint): the site's own, without
django-modeltranslation. At run time it makes each translated model's manager a class of
its own, built on the fly, which no static checker can follow; what it adds to a model
(`title_de`, …) is read by name (guides/translation.py), so nothing checked is lost."""

from cancelflow.settings import *  # noqa: F403
from cancelflow.settings import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "modeltranslation"]
