"""The tree's writers share one dispatch (models/tree.py Visitor): each writes every node type."""

import pytest

from clausegen.models.tree import NODE_METHODS, Block, Inline, Paragraph, Text, Visitor
from clausegen.rendering import markdown, pandoc_ast
from clausegen.rendering.docx_body import Writer


@pytest.mark.parametrize("writer", [markdown._Writer, pandoc_ast.Writer, Writer])
def test_every_writer_has_a_method_for_every_node_type(writer):
    missing = [f"{node.__name__}: {method}" for node, method in NODE_METHODS.items() if not hasattr(writer, method)]
    assert missing == []


def test_node_methods_cover_every_block_and_inline_type():
    assert set(NODE_METHODS) == set(Block.__args__) | set(Inline.__args__)


def test_a_node_a_writer_does_not_know_is_an_error_not_left_out():
    class Partial(Visitor):
        def visit_text(self, node):
            return node.text

    assert Partial().visit(Text("kept")) == "kept"
    with pytest.raises(TypeError, match="Partial cannot write Paragraph"):
        Partial().visit(Paragraph((Text("dropped"),)))
