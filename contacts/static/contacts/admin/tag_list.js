'use strict';
{
    // Suggests the organization's tag names for the name being typed in a comma-separated
    // tag list. Each suggestion is the text before that name followed by a matching tag name,
    // so picking it completes the last name and keeps the others. New names are typed freely.
    const DELAY_MS = 150;

    function organizationOf(input) {
        if (input.dataset.organization) {
            return input.dataset.organization;
        }
        const chosen = document.getElementById('id_organization');
        return chosen ? chosen.value : '';
    }

    async function suggest(input, list) {
        const organization = organizationOf(input);
        if (!organization || !input.dataset.tagNamesUrl) {
            return;
        }
        const text = input.value;
        const cut = text.lastIndexOf(',') + 1;
        const head = cut ? text.slice(0, cut) + ' ' : '';
        const typed = new Set(text.slice(0, cut).split(',').map((name) => name.trim()));
        const url = new URL(input.dataset.tagNamesUrl, window.location.href);
        url.searchParams.set('organization', organization);
        url.searchParams.set('term', text.slice(cut).trim());
        const response = await fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
        if (!response.ok) {
            return;
        }
        const {results} = await response.json();
        list.replaceChildren(...results.filter((name) => !typed.has(name)).map((name) => {
            const option = document.createElement('option');
            option.value = head + name;
            return option;
        }));
    }

    function setUp(input) {
        const list = document.getElementById(input.getAttribute('list'));
        let pending;
        input.addEventListener('input', () => {
            clearTimeout(pending);
            pending = setTimeout(() => suggest(input, list), DELAY_MS);
        });
    }

    window.addEventListener('load', () => {
        document.querySelectorAll('input[data-tag-names-url]').forEach(setUp);
    });
}
