from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=100,
        required=False,
        strip=True,
        error_messages={"max_length": "Please search with at most 100 characters."},
    )
