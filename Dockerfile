# One image for every role: `AgentOps.Silo.dll migrate`, a silo, or the web tier.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app/silo \
 && dotnet publish src/Web/Web.csproj -c Release -o /app/web

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet"]
CMD ["web/AgentOps.Web.dll"]
