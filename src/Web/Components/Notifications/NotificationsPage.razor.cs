using AgentOps.Notifications;
using AgentOps.Web.Notifications;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentOps.Web.Components.Notifications;

/// <summary>
/// Webhooks of approval governance: add one (its secret is shown once), remove one, and read the delivery log of the
/// one selected, newest first.
/// </summary>
public sealed partial class NotificationsPage
{
    private const int DeliveriesPageSize = 50;

    [Inject] private WebhooksUiService Webhooks { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<Webhook>? _webhooks;
    private Webhook? _selected;
    private IReadOnlyList<WebhookDelivery>? _deliveries;
    private int _deliveryTotal;
    private string? _url;
    private readonly HashSet<string> _events = [WebhookEvents.ApprovalRequested, WebhookEvents.ApprovalEscalated];
    private string _format = WebhookFormats.Json;
    private string? _secret;
    private string? _createdSecret;
    private string? _error;
    private bool _busy;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _webhooks = await Webhooks.ListAsync();

    private void Toggle(string name, bool on)
    {
        if (on) _events.Add(name);
        else _events.Remove(name);
    }

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var created = await Webhooks.CreateAsync(new WebhookDraft(_url, [.. _events], _format, string.IsNullOrEmpty(_secret) ? null : _secret));
            if (created.Error is { } error)
            {
                _error = error.Message;
                return;
            }
            _error = null;
            _createdSecret = created.Secret;
            _url = null;
            _secret = null;
            await LoadAsync();
            Snackbar.Add("Webhook added.", Severity.Success);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RemoveAsync(Webhook webhook)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Remove webhook", $"Stop sending events to {webhook.Url}? Deliveries still waiting are given up.",
            yesText: "Remove", cancelText: "Keep it");
        if (confirmed != true) return;
        var error = await Webhooks.DeleteAsync(webhook.Id);
        Snackbar.Add(error?.Message ?? "Webhook removed.", error is null ? Severity.Success : Severity.Error);
        if (_selected?.Id == webhook.Id)
        {
            _selected = null;
            _deliveries = null;
        }
        await LoadAsync();
    }

    private async Task SelectAsync(Webhook webhook)
    {
        _selected = webhook;
        _deliveries = null;
        await LoadDeliveriesAsync();
    }

    private async Task LoadDeliveriesAsync()
    {
        if (_selected is null) return;
        var result = await Webhooks.DeliveriesAsync(_selected.Id, DeliveriesPageSize, 0);
        if (result.Error is { } error)
        {
            _error = error.Message;
            return;
        }
        _deliveries = result.Page!.Deliveries;
        _deliveryTotal = result.Page.Total;
    }

    private static Color ColorOf(string status) => status switch
    {
        DeliveryStatuses.Delivered => Color.Success,
        DeliveryStatuses.Failed => Color.Error,
        _ => Color.Warning,
    };
}
