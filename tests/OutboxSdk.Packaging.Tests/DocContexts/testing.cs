// Compiled beside each code block of docs/testing.md (DocSnippetTests): nothing — the page's blocks declare all they
// use (its test project has an OrderPlaced of its own, which Common.cs's would collide with).
