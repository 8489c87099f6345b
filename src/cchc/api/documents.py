"""The directive documents the reform office has put on the public page (issue 18): public,
as the page is — no token needed; read through the public page's own selector
(`portal.selectors.document_releases`), so a withdrawn one disappears from both at once."""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from cchc.portal.selectors import document_releases


class PublicDocumentSerializer(serializers.Serializer):
    """A public release of a document: the document's fields and when it was published."""

    id = serializers.IntegerField(source="document.id")
    number = serializers.CharField(source="document.number")
    issued_on = serializers.DateField(source="document.issued_on")
    issuer = serializers.CharField(source="document.issuer")
    title = serializers.CharField(source="document.title")
    summary = serializers.CharField(source="document.summary")
    published_at = serializers.DateTimeField()
    file_name = serializers.CharField(source="document.original_name")
    content_type = serializers.CharField(source="document.content_type")
    size = serializers.IntegerField(source="document.size")
    sha256 = serializers.CharField(source="document.sha256")


class PublicDocumentList(generics.ListAPIView):
    """Directive documents on the public page, the latest issued first."""

    serializer_class = PublicDocumentSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return document_releases()
