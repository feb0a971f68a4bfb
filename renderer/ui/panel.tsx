import { Component, type ErrorInfo, type ReactNode } from 'react';
import { translate } from './i18n';
import './panel.css';

interface BoundaryState {
  error: Error | null;
}

/** Keeps one broken panel from blanking the whole workbench; the user can retry it. */
class PanelErrorBoundary extends Component<{ name: string; children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`The ${this.props.name} panel crashed:`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    // A class component has no hook: the layer's translate, read at each render.
    const crashed = translate('common:panel.crashed', { name: this.props.name });
    const retry = translate('common:panel.retry');
    return (
      <div className="panel-crash" role="alert" data-testid="panel-crash">
        <p>
          {crashed} <code>{this.state.error.message}</code>
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          {retry}
        </button>
      </div>
    );
  }
}

/**
 * A titled panel with an error boundary. `collapsed` shows only its header: the body stays mounted
 * (hidden by CSS), so what the user typed in it is kept.
 */
export function Panel({ name, title, actions, className, collapsed = false, children }: { name: string; title: string; actions?: ReactNode; className?: string; collapsed?: boolean; children: ReactNode }) {
  return (
    <section className={`panel ${className ?? ''}${collapsed ? ' collapsed' : ''}`} data-testid={`panel-${name}`}>
      <header className="panel-header">
        <h2>{title}</h2>
        {actions}
      </header>
      <div className="panel-body">
        <PanelErrorBoundary name={title}>{children}</PanelErrorBoundary>
      </div>
    </section>
  );
}
