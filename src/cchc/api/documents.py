"""The directive documents the reform office has put on the public page (issue 18): public,
as the page is — no token needed; only documents whose release is public are listed, and a
withdrawn one disappears."""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from cchc.portal.models import DirectiveDocument, ReleaseKind


class PublicDocumentSerializer(serializers.ModelSerializer):
    published_at = serializers.DateTimeField(read_only=True)
    file_name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = DirectiveDocument
        fields = ["id", "number", "issued_on", "issuer", "title", "summary", "published_at",
                  "file_name", "content_type", "size", "sha256"]  # fmt: skip


class PublicDocumentList(generics.ListAPIView):
    """Directive documents on the public page, the latest issued first."""

    serializer_class = PublicDocumentSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        from django.db.models import OuterRef, Subquery

        from cchc.portal.models import Release

        public = Release.objects.public().filter(kind=ReleaseKind.DOCUMENT, document=OuterRef("pk"))
        return (
            DirectiveDocument.objects.filter(releases__in=Release.objects.public())
            .annotate(published_at=Subquery(public.values("published_at")[:1]))
            .order_by("-issued_on", "-pk")
            .distinct()
        )
