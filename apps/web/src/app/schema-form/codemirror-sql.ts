import { sql } from '@codemirror/lang-sql';
import { EditorState } from '@codemirror/state';
import { EditorView, basicSetup } from 'codemirror';

/** The SQL editor behind x-ui `sql`. Loaded on demand: CodeMirror stays out of the first bundle. */
export interface SqlEditorHandle {
  setValue(text: string): void;
  focus(): void;
  destroy(): void;
}

export function createSqlEditor(
  parent: HTMLElement,
  options: { doc: string; label: string; placeholder?: string; onChange(text: string): void },
): SqlEditorHandle {
  let applying = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        basicSetup,
        sql(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': options.label, 'aria-multiline': 'true' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !applying) options.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    setValue(text) {
      if (text === view.state.doc.toString()) return;
      applying = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      applying = false;
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
